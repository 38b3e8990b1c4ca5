package com.fluxrouter.billing.chaos;

import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.serde.WireFormat;
import com.fluxrouter.billing.traffic.TokenSource;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs scenarios one after the other on one local broker (under {@code dir/broker}), each as its own application
 * with fresh request and output topics, its instances' state and logs under {@code dir/<scenario>}.
 */
public final class ChaosSuite {
    private ChaosSuite() {
    }

    /**
     * @param tokens token counts of the traffic, made fresh for each scenario from its seed
     */
    public static List<Row> run(List<Scenario> scenarios, Size size, long seed, TokenSourceFactory tokens, Path dir,
                                PrintStream out) throws Exception {
        List<Row> rows = new ArrayList<>();
        Serdes serdes = new Serdes(WireFormat.SINGLE_OBJECT);
        out.println("[chaos] starting the broker, seeding the catalog and plans");
        try (Cluster cluster = Cluster.start(dir, size.partitions(), ChaosPlans.forAccounts(size.accounts()), serdes)) {
            for (Scenario scenario : scenarios) {
                out.printf("[chaos] %s: %s%n", scenario.cliName(), scenario.title());
                Row row = ChaosRun.run(scenario, size, seed, tokens.create(seed), cluster, dir.resolve(scenario.cliName()), out);
                out.printf("[chaos] %s: %s%n", scenario.cliName(), row.result());
                rows.add(row);
            }
        }
        return rows;
    }

    /** Deletes a directory and everything in it (an instance's state, a finished run's work directory). */
    public static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A token source per scenario, so each scenario's traffic depends only on the seed. */
    @FunctionalInterface
    public interface TokenSourceFactory {
        TokenSource create(long seed) throws Exception;
    }
}
