package com.fluxrouter.billing.cli;

import com.fluxrouter.billing.config.BillingConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code run} refuses, before touching any cluster, settings that would bill without a safety net. */
class RunCommandTest {
    /** Nothing reachable listens there: a run that got past the checks fails on the cluster instead. */
    private static final String NO_BROKER = "127.0.0.1:1";

    @TempDir
    Path dir;

    @BeforeAll
    static void noClusterFromTheEnvironment() {
        assumeTrue(System.getenv("KAFKA_BOOTSTRAP_SERVERS") == null, "KAFKA_BOOTSTRAP_SERVERS is set here");
    }

    private record Outcome(int status, String err) {
    }

    private Outcome run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine line = FluxBilling.commandLine();
        line.setErr(new PrintWriter(err, true));
        int status = line.execute(args);
        return new Outcome(status, err.toString());
    }

    private Path config(String properties) throws IOException {
        Path file = dir.resolve("billing.properties");
        Files.writeString(file, properties + "\nstate.dir=" + dir.resolve("state") + "\nflux.http.port=0\n"
                // Fail fast on the missing broker.
                + "default.api.timeout.ms=1500\nrequest.timeout.ms=1000\n");
        return file;
    }

    @Test
    void runWithoutBootstrapServersIsRefused() throws IOException {
        Outcome outcome = run("run", "--config", config("").toString());
        assertThat(outcome.status()).isEqualTo(FluxBilling.BAD_SETTINGS);
        assertThat(outcome.err()).contains("bootstrap.servers").contains("KAFKA_BOOTSTRAP_SERVERS");
    }

    @ParameterizedTest
    @ValueSource(strings = {"topics", "reset", "export"})
    void everyCommandThatNeedsTheClusterRefusesToStartWithoutOneInOneLine(String command) throws IOException {
        Path out = dir.resolve("export");
        Outcome outcome = command.equals("export")
                ? run(command, "--config", config("").toString(), "--out", out.toString())
                : run(command, "--config", config("").toString());
        assertThat(outcome.status()).isEqualTo(FluxBilling.BAD_SETTINGS);
        assertThat(outcome.err()).startsWith("flux-billing " + command + ": no Kafka cluster given")
                .contains("KAFKA_BOOTSTRAP_SERVERS").doesNotContain("\tat ").hasLineCount(1);
    }

    @Test
    void runRefusesAtLeastOnceWithoutTheUnsafeSwitch() throws IOException {
        Outcome outcome = run("run", "--bootstrap-servers", NO_BROKER, "--config",
                config("processing.guarantee=at_least_once").toString());
        assertThat(outcome.status()).isEqualTo(FluxBilling.BAD_SETTINGS);
        assertThat(outcome.err()).contains("processing.guarantee=at_least_once").contains(BillingConfig.UNSAFE_ALLOW);
    }

    @Test
    void runRefusesDisabledChangelogsWithoutTheUnsafeSwitch() throws IOException {
        Outcome outcome = run("run", "--bootstrap-servers", NO_BROKER, "--config",
                config("flux.state.changelogs=false").toString());
        assertThat(outcome.status()).isEqualTo(FluxBilling.BAD_SETTINGS);
        assertThat(outcome.err()).contains("flux.state.changelogs=false");
    }

    @Test
    void runRefusesAMisspelledSetting() throws IOException {
        Outcome outcome = run("run", "--bootstrap-servers", NO_BROKER, "--config",
                config("flux.state.changelogs=ture").toString());
        assertThat(outcome.status()).isEqualTo(FluxBilling.BAD_SETTINGS);
        assertThat(outcome.err()).contains("flux.state.changelogs").contains("ture");
    }

    @Test
    void withTheUnsafeSwitchRunGetsPastTheChecksToTheCluster() throws IOException {
        Outcome outcome = run("run", "--bootstrap-servers", NO_BROKER, "--config",
                config("processing.guarantee=at_least_once\nflux.state.changelogs=false\nflux.unsafe.allow=true").toString());
        // It went on to ask the (absent) cluster for the input's partitions: the settings were accepted.
        assertThat(outcome.status()).isNotZero().isNotEqualTo(FluxBilling.BAD_SETTINGS);
        assertThat(outcome.err()).doesNotContain("refusing").contains("cannot read the partitions of flux.requests.routed");
    }
}
