package com.fluxrouter.billing.cli;

import com.fluxrouter.billing.chaos.ChaosSuite;
import com.fluxrouter.billing.chaos.ReliabilityReport;
import com.fluxrouter.billing.chaos.Row;
import com.fluxrouter.billing.chaos.Scenario;
import com.fluxrouter.billing.chaos.Size;
import com.fluxrouter.billing.traffic.TokenSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;

@Command(name = "chaos", mixinStandardHelpOptions = true, version = FluxBilling.VERSION,
        header = "Runs the fault suite and checks the billing invariant after each fault.",
        description = {
        "Runs the fault suite: each scenario (crash, broker-restart, producer-retries, late-data, rebalance,",
        "state-loss, misrouted-producer) on a fresh local broker with the pipeline as child processes, then checks the invariant:",
        "every distinct valid request priced once, every invalid record rejected with its reason, none both, and",
        "every account-month's invoice lines equal to the billing rules to the nano-dollar. Exit code 1 if a",
        "scenario fails. Reduced sizes by default (what CI runs); --full for the issue's sizes."})
final class ChaosCommand implements Callable<Integer> {
    @Option(names = "--full", description = "The issue's sizes: 500,000 requests per scenario, 12 SIGKILLs.")
    boolean full;

    @Option(names = "--scenario", split = ",", description = "Only these scenarios (default: all).")
    List<String> scenarios;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the traffic and the faults (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--requests", description = "Distinct valid requests per scenario (overrides the size's).")
    Integer requests;

    @Option(names = "--rate", description = "Requests produced per second (overrides the size's).")
    Integer rate;

    @Option(names = "--kills", description = "SIGKILLs of the crash scenario (overrides the size's).")
    Integer kills;

    @Option(names = "--trace", description = "Token counts from an Azure LLM inference trace CSV instead of the built-in distributions.")
    Path trace;

    @Option(names = "--report", description = "Write the table into this markdown file (between its chaos-table markers), e.g. docs/reliability.md.")
    Path report;

    @Option(names = "--work-dir", description = "Brokers, state and instance logs (default: a new temporary directory, removed when every scenario holds).")
    Path workDir;

    @Override
    public Integer call() throws Exception {
        Size size = full ? Size.fullForm() : Size.reducedForm();
        if (requests != null) {
            size = size.withRequests(requests);
        }
        if (rate != null) {
            size = size.withRate(rate);
        }
        if (kills != null) {
            size = size.withKills(kills);
        }
        List<Scenario> chosen = scenarios == null ? Arrays.asList(Scenario.values())
                : scenarios.stream().map(Scenario::parse).toList();
        Path dir = workDir != null ? workDir : Files.createTempDirectory("flux-chaos");
        System.out.println("[chaos] working in " + dir.toAbsolutePath());
        long started = System.nanoTime();
        List<Row> rows = ChaosSuite.run(chosen, size, seed,
                s -> trace == null ? TokenSource.builtIn(new Random(s)) : TokenSource.trace(trace), dir, System.out);
        String table = ReliabilityReport.table(rows, size, seed, (System.nanoTime() - started) / 1_000_000_000L);
        System.out.println();
        System.out.print(table);
        if (report != null) {
            ReliabilityReport.write(report, table);
            System.out.println("[chaos] table written to " + report);
        }
        boolean holds = rows.stream().allMatch(Row::holds);
        if (holds && workDir == null) {
            ChaosSuite.delete(dir);
        } else if (!holds) {
            System.out.println("[chaos] instance logs and broker data kept in " + dir.toAbsolutePath());
        }
        return holds ? 0 : 1;
    }
}
