package com.fluxrouter.billing.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The launcher jar of a released commit, built from this repository's git history: {@code git archive} of the commit
 * into {@code target/released-<commit>/} (the work tree and its .git are left alone), then {@code mvn package}
 * there without tests, with the Maven, local repository and offline mode of the running build (failsafe passes
 * them as {@code flux.it.maven*}). Built once; a later run reuses the jar until {@code mvn clean}.
 */
final class ReleasedBuild {
    private static final long BUILD_MINUTES = 15;

    private ReleasedBuild() {
    }

    /**
     * The shaded jar of {@code commit}, building it first when absent.
     *
     * @throws IllegalStateException when the commit is not in the history (a shallow clone or a source tarball: the
     *                               upgrade test needs the full history) or the build fails; the message names the log
     */
    static Path jar(String commit) throws IOException, InterruptedException {
        Path root = Path.of("target", "released-" + commit).toAbsolutePath();
        Path jar = root.resolve("target/flux-billing.jar");
        if (Files.isRegularFile(jar)) {
            return jar;
        }
        Path log = Path.of("target", "released-" + commit + ".log").toAbsolutePath();
        Files.createDirectories(root);
        run(List.of("sh", "-c", "git archive --format=tar \"$1\" | tar -x -C \"$2\"", "archive", commit,
                root.toString()), Path.of("."), log, "git archive of " + commit
                + " (the upgrade test needs the repository's full git history)");
        List<String> maven = new ArrayList<>(List.of(System.getProperty("flux.it.maven", "mvn"), "-B", "-q"));
        if ("offline=true".equals(System.getProperty("flux.it.maven-offline"))) {
            maven.add("-o");
        }
        String repository = System.getProperty("flux.it.maven-repo");
        if (repository != null && !repository.isBlank()) {
            maven.add("-Dmaven.repo.local=" + repository);
        }
        maven.addAll(List.of("-Dmaven.test.skip=true", "package"));
        run(maven, root, log, "the build of " + commit);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the build of " + commit + " made no " + jar + "; see " + log);
        }
        return jar;
    }

    private static void run(List<String> command, Path directory, Path log, String what)
            throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        try (ChildProcessGuard guard = ChildProcessGuard.killOnExit(process)) {
            if (!process.waitFor(BUILD_MINUTES, TimeUnit.MINUTES)) {
                throw new IllegalStateException(what + " took over " + BUILD_MINUTES + " minutes; see " + log);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(what + " failed (exit " + process.exitValue() + "): "
                        + String.join(" ", command) + "; see " + log);
            }
        }
    }
}
