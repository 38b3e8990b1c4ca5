package com.fluxrouter.billing.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** What a new user meets first: help on every command, one-line summaries, replay refusing a missing input. */
class FirstHourCliTest {
    /** Every subcommand a user can type, read from the launcher itself so a new command is covered too. */
    static Stream<String> subcommands() {
        return new CommandLine(new FluxBilling()).getSubcommands().keySet().stream()
                .filter(name -> !name.equals("help"));
    }

    /** What one in-process run of the launcher printed and returned. */
    private record Run(int status, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        PrintStream systemOut = System.out;
        PrintStream systemErr = System.err;
        ByteArrayOutputStream capturedOut = new ByteArrayOutputStream();
        ByteArrayOutputStream capturedErr = new ByteArrayOutputStream();
        // picocli's help goes to the CommandLine's writers; replay's report goes to System.out; both are captured.
        System.setOut(new PrintStream(capturedOut, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(capturedErr, true, StandardCharsets.UTF_8));
        try {
            int status = new CommandLine(new FluxBilling()).setOut(new PrintWriter(out, true))
                    .setErr(new PrintWriter(err, true)).execute(args);
            return new Run(status, out + capturedOut.toString(StandardCharsets.UTF_8),
                    err + capturedErr.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(systemOut);
            System.setErr(systemErr);
        }
    }

    @ParameterizedTest(name = "{0} --help")
    @MethodSource("subcommands")
    void longHelpOptionPrintsTheCommandsUsageOnStdoutAndSucceeds(String command) {
        Run run = run(command, "--help");

        assertThat(run.status()).isZero();
        assertThat(run.out()).contains("Usage: flux-billing " + command);
        assertThat(run.err()).isEmpty();
    }

    @ParameterizedTest(name = "{0} -h")
    @MethodSource("subcommands")
    void shortHelpOptionPrintsTheSameUsage(String command) {
        Run run = run(command, "-h");

        assertThat(run.status()).isZero();
        assertThat(run.out()).isEqualTo(run(command, "--help").out());
    }

    @ParameterizedTest(name = "{0} --help has no picocli format warning")
    @MethodSource("subcommands")
    void helpPrintsNoFormatWarning(String command) {
        Run run = run(command, "--help");

        assertThat(run.out() + run.err()).doesNotContain("[picocli WARN]").doesNotContain("Could not format");
    }

    @Test
    void decodesHelpShowsTheKcatFormatLiterally() {
        assertThat(run("decode", "--help").out()).contains("-f '%K %k %S %s\\n'");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("subcommands")
    void commandListSummaryIsOneWholeSentence(String command) {
        String summary = String.join(" ", new CommandLine(new FluxBilling()).getSubcommands().get(command)
                .getCommandSpec().usageMessage().header());

        assertThat(summary).endsWith(".").doesNotContain("\n");
        assertThat(run("--help").out().replaceAll("\\s+", " ")).contains(command + " " + summary);
    }

    @Test
    void replayFailsNamingTheMissingDirectory(@TempDir Path tmp) {
        Path missing = tmp.resolve("no-such-dir");

        Run run = run("replay", "--in", missing.toString(), "--out", tmp.resolve("out").toString());

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("--in " + missing + ": no such directory");
        assertThat(tmp.resolve("out")).doesNotExist();
    }

    @Test
    void replayRefusesFewerThanOnePartition(@TempDir Path tmp) {
        Run run = run("replay", "--in", "examples", "--out", tmp.resolve("out").toString(), "--partitions", "0");

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("--partitions 0: at least 1");
        assertThat(tmp.resolve("out")).doesNotExist();
    }

    @Test
    void replayFailsWhenTheInputHasNoRequests(@TempDir Path tmp) throws Exception {
        Path in = Files.createDirectory(tmp.resolve("in"));
        Files.writeString(in.resolve("plans.jsonl"), "");

        Run run = run("replay", "--in", in.toString(), "--out", tmp.resolve("out").toString());

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("has no requests.jsonl");
        assertThat(tmp.resolve("out")).doesNotExist();
    }

    @Test
    void replayReportsCatalogPlansAndRequestsApart(@TempDir Path tmp) throws Exception {
        // examples/: no models.jsonl or rates.jsonl (the published list: 6 models, 3 rates), 4 plan lines.
        long plans = Files.readAllLines(Path.of("examples/plans.jsonl")).stream().filter(l -> !l.isBlank()).count();
        long requests = Files.readAllLines(Path.of("examples/requests.jsonl")).stream().filter(l -> !l.isBlank()).count();

        Run run = run("replay", "--in", "examples", "--out", tmp.resolve("out").toString());

        assertThat(run.status()).isZero();
        assertThat(run.out()).contains(String.format(
                "read: 6 models (published price list: no models.jsonl), 3 rate versions (published price list: no "
                        + "rates.jsonl), %d plan versions, %d requests", plans, requests));
        assertThat(List.of(run.out().split("\n"))).anyMatch(line -> line.matches("replayed " + (9 + plans + requests)
                + " input records in .*"));
    }
}
