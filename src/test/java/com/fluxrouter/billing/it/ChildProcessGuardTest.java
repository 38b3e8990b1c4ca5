package com.fluxrouter.billing.it;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class ChildProcessGuardTest {
    /** A JVM that starts a long-lived child under the guard, says the child's pid and exits without closing it. */
    public static void main(String[] args) throws Exception {
        Process child = new ProcessBuilder("sleep", "600").start();
        ChildProcessGuard.killOnExit(child);
        System.out.println(child.pid());
        System.out.flush();
        System.exit(0);
    }

    @Test
    void aTestJvmThatExitsWithoutClosingTheServerLeavesNoOrphan() throws Exception {
        Process jvm = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ChildProcessGuardTest.class.getName()))
                .redirectErrorStream(true).start();
        long childPid;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(jvm.getInputStream(),
                StandardCharsets.UTF_8))) {
            childPid = Long.parseLong(out.readLine().trim());
        }
        assertThat(jvm.waitFor(60, TimeUnit.SECONDS)).isTrue();

        Optional<ProcessHandle> child = ProcessHandle.of(childPid);
        child.ifPresent(handle -> handle.onExit().orTimeout(Duration.ofSeconds(30).toSeconds(), TimeUnit.SECONDS)
                .exceptionally(stillAlive -> handle).join());
        try {
            assertThat(ProcessHandle.of(childPid).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
        } finally {
            ProcessHandle.of(childPid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}
