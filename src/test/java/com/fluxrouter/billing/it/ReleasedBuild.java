package com.fluxrouter.billing.it;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The code of a released commit, built from this repository's git history: {@code git archive} of the commit into
 * {@code target/released-<commit>/} (the work tree and its .git are left alone), then {@code mvn compile} there
 * without tests, with the Maven, local repository and offline mode of the running build (failsafe passes them as
 * {@code flux.it.maven*}), and the release's runtime class path as its own pom resolves it. It runs from its classes
 * and those jars: the code and libraries its shaded jar packs, without the shading (two thirds of the build's time).
 * Built once; a later run reuses it until {@code mvn clean}.
 *
 * @param classes   the release's compiled classes and resources
 * @param classPath the release's runtime dependencies (compile and runtime scope), as a class path
 */
record ReleasedBuild(Path classes, String classPath) {
    private static final long BUILD_MINUTES = 15;
    /** The launcher's main class, as the release's shaded jar names it in its manifest. */
    private static final String MAIN = "com.fluxrouter.billing.cli.FluxBilling";
    /** A plugin version in the local repository that resolves offline here. */
    private static final String DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1";

    /** The command that runs the release's launcher: java, its class path and main class; arguments follow. */
    List<String> launcher() {
        return List.of("java", "-cp", classes + File.pathSeparator + classPath, MAIN);
    }

    /**
     * The compiled code of {@code commit}, building it first when absent.
     *
     * @throws IllegalStateException when the commit is not in the history (a shallow clone or a source tarball: the
     *                               upgrade test needs the full history) or the build fails; the message names the log
     */
    static ReleasedBuild of(String commit) throws IOException, InterruptedException {
        Path root = Path.of("target", "released-" + commit).toAbsolutePath();
        Path classes = root.resolve("target/classes");
        // Written last, by the build's last step: its presence means a finished build.
        Path classPathFile = root.resolve("target/runtime.classpath");
        if (!Files.isRegularFile(classPathFile)) {
            build(commit, root, classPathFile);
        }
        if (!Files.isRegularFile(classPathFile) || !Files.isDirectory(classes)) {
            throw new IllegalStateException("the build of " + commit + " made no " + classes + " and " + classPathFile
                    + "; see " + log(commit));
        }
        return new ReleasedBuild(classes, Files.readString(classPathFile).trim());
    }

    private static void build(String commit, Path root, Path classPathFile) throws IOException, InterruptedException {
        Path log = log(commit);
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
        maven.addAll(List.of("-Dmaven.test.skip=true", "compile", DEPENDENCY_PLUGIN + ":build-classpath",
                "-DincludeScope=runtime", "-Dmdep.outputFile=" + classPathFile));
        run(maven, root, log, "the build of " + commit);
    }

    private static Path log(String commit) {
        return Path.of("target", "released-" + commit + ".log").toAbsolutePath();
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
