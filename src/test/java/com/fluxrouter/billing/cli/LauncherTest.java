package com.fluxrouter.billing.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bin/flux-billing} rebuilds the jar when it is missing, when its last build did not finish, or when it is older
 * than a source, a schema or the pom. Run on a
 * copy of the project's layout with stand-ins for {@code mvn} (records the build, writes the jar) and {@code java}
 * (records its arguments), so no real build happens.
 */
class LauncherTest {
    private static final Instant BUILT = Instant.parse("2026-11-01T12:00:00Z");

    @TempDir
    Path project;
    private Path tools;
    private Path log;
    private Path jar;

    @BeforeEach
    void layOutAProjectWithABuiltJar() throws IOException {
        Files.createDirectories(project.resolve("bin"));
        Files.copy(Path.of("bin/flux-billing"), project.resolve("bin/flux-billing"));
        tools = Files.createDirectories(project.resolve("tools"));
        log = project.resolve("calls.log");
        script(tools.resolve("mvn"), "echo mvn \"$@\" >> " + log + "; mkdir -p target; echo new > target/flux-billing.jar");
        script(tools.resolve("java"), "echo java \"$@\" >> " + log);
        jar = project.resolve("target/flux-billing.jar");
        write(project.resolve("pom.xml"), BUILT.minusSeconds(60));
        write(project.resolve("src/main/java/com/fluxrouter/billing/Code.java"), BUILT.minusSeconds(60));
        write(project.resolve("src/main/resources/log4j2.xml"), BUILT.minusSeconds(60));
        write(project.resolve("schemas/RoutedRequest.avsc"), BUILT.minusSeconds(60));
        write(jar, BUILT);
        write(project.resolve("target/.flux-billing.jar.built"), BUILT);
        // Directories too: a file added, removed or renamed changes its directory's time, which also rebuilds.
        try (var paths = Files.walk(project)) {
            for (Path directory : paths.filter(Files::isDirectory).toList()) {
                Files.setLastModifiedTime(directory, FileTime.from(BUILT.minusSeconds(60)));
            }
        }
    }

    private static void script(Path path, String body) throws IOException {
        Files.writeString(path, "#!/usr/bin/env bash\n" + body + "\n");
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static void write(Path path, Instant modified) throws IOException {
        Files.createDirectories(path.getParent());
        Files.writeString(path, "x");
        Files.setLastModifiedTime(path, FileTime.from(modified));
    }

    /** Runs the launcher with {@code topology}; returns what it printed on stderr. */
    private String launch() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(project.resolve("bin/flux-billing").toString(), "topology");
        builder.environment().put("PATH", tools + ":" + System.getenv("PATH"));
        Process process = builder.redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(stderr).isZero();
        return stderr;
    }

    private List<String> calls() throws IOException {
        return Files.readAllLines(log);
    }

    private static final String BUILD = "mvn -q -B -DskipTests package";
    private static final String RUN = "java -jar ";

    @Test
    void aJarNewerThanEverythingIsRunAsItIs() throws Exception {
        assertThat(launch()).isEmpty();
        assertThat(calls()).containsExactly(RUN + jar + " topology");
    }

    @Test
    void aMissingJarIsBuiltFirst() throws Exception {
        Files.delete(jar);
        assertThat(launch()).contains("first use");
        assertThat(calls()).containsExactly(BUILD, RUN + jar + " topology");
    }

    @Test
    void aSourceNewerThanTheJarRebuildsIt() throws Exception {
        write(project.resolve("src/main/java/com/fluxrouter/billing/Code.java"), BUILT.plusSeconds(1));
        assertThat(launch()).contains("src/main/java/com/fluxrouter/billing/Code.java is newer than the jar");
        assertThat(calls()).containsExactly(BUILD, RUN + jar + " topology");
    }

    @Test
    void aResourceNewerThanTheJarRebuildsIt() throws Exception {
        write(project.resolve("src/main/resources/log4j2.xml"), BUILT.plusSeconds(1));
        launch();
        assertThat(calls()).containsExactly(BUILD, RUN + jar + " topology");
    }

    @Test
    void aSchemaNewerThanTheJarRebuildsIt() throws Exception {
        write(project.resolve("schemas/RoutedRequest.avsc"), BUILT.plusSeconds(1));
        assertThat(launch()).contains("schemas/RoutedRequest.avsc is newer than the jar");
        assertThat(calls()).containsExactly(BUILD, RUN + jar + " topology");
    }

    @Test
    void aPomNewerThanTheJarRebuildsIt() throws Exception {
        write(project.resolve("pom.xml"), BUILT.plusSeconds(1));
        assertThat(launch()).contains("pom.xml is newer than the jar");
        assertThat(calls()).containsExactly(BUILD, RUN + jar + " topology");
    }

    @Test
    void aSourceDeletedSinceTheBuildRebuilds() throws Exception {
        Files.delete(project.resolve("src/main/java/com/fluxrouter/billing/Code.java"));
        assertThat(launch()).contains("src/main/java/com/fluxrouter/billing is newer than the jar");
        assertThat(calls()).containsExactly(BUILD, RUN + jar + " topology");
    }

    @Test
    void filesOutsideTheBuildsInputsDoNotRebuild() throws Exception {
        write(project.resolve("src/test/java/SomeTest.java"), BUILT.plusSeconds(1));
        write(project.resolve("docs/notes.md"), BUILT.plusSeconds(1));
        launch();
        assertThat(calls()).containsExactly(RUN + jar + " topology");
    }

    @Test
    void aJarLeftByABuildThatDidNotFinishIsRebuilt() throws Exception {
        // An interrupted package leaves Maven's plain jar, newer than every source, without the finished-build mark.
        Files.delete(project.resolve("target/.flux-billing.jar.built"));
        assertThat(launch()).contains("the last build did not finish");
        assertThat(calls()).containsExactly(BUILD, RUN + jar + " topology");
        Files.delete(log);
        assertThat(launch()).isEmpty();
        assertThat(calls()).containsExactly(RUN + jar + " topology");
    }

    @Test
    void aFailedBuildIsTriedAgainAtTheNextLaunch() throws Exception {
        write(project.resolve("pom.xml"), BUILT.plusSeconds(1));
        script(tools.resolve("mvn"), "echo mvn \"$@\" >> " + log + "; echo half > target/flux-billing.jar; exit 1");
        ProcessBuilder builder = new ProcessBuilder(project.resolve("bin/flux-billing").toString(), "topology");
        builder.environment().put("PATH", tools + ":" + System.getenv("PATH"));
        Process failed = builder.redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(failed.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(failed.exitValue()).isNotZero();
        script(tools.resolve("mvn"), "echo mvn \"$@\" >> " + log + "; echo new > target/flux-billing.jar");
        assertThat(launch()).contains("the last build did not finish");
        assertThat(calls()).containsExactly(BUILD, BUILD, RUN + jar + " topology");
    }
}
