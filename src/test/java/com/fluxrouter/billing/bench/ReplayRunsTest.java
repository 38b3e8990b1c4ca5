package com.fluxrouter.billing.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Row 4's runs (docs/performance.md): which of replay, the pass-through and the dedup floor runs first in each repeat,
 * and that each figure is its own run's. The runs' times are not asserted; the records each wrote tell them apart,
 * since the input repeats one request, which only the floor and replay drop.
 */
class ReplayRunsTest {
    private static final int REQUESTS = 300;
    /** The published price list's records (6 models, 3 rates), sent when the input has no catalog files. */
    private static final int CATALOG = 9;

    @TempDir
    Path tmp;

    private ReplayRuns prepared() throws IOException {
        ReplayRuns runs = ReplayRuns.prepare(tmp, 7, null, REQUESTS, Duration.ZERO);
        // The router retried the last request: the same line again.
        Path requests = tmp.resolve("in").resolve("requests.jsonl");
        List<String> lines = Files.readAllLines(requests);
        Files.writeString(requests, lines.get(lines.size() - 1) + "\n", StandardOpenOption.APPEND);
        return runs;
    }

    private static long lines(Path dir) throws IOException {
        long count = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                try (Stream<String> lines = Files.lines(file)) {
                    count += lines.count();
                }
            }
        }
        return count;
    }

    @Test
    void eachRepeatStartsOnePlaceFurtherAlongAndEachFigureIsItsOwnRuns() throws Exception {
        ReplayRuns runs = prepared();
        long inputs = CATALOG + StreamsRuns.PLANNED_ACCOUNTS + REQUESTS + 1;
        List<List<String>> orders = List.of(
                List.of(ReplayRuns.REPLAY, ReplayRuns.PASS_THROUGH, ReplayRuns.FLOOR),
                List.of(ReplayRuns.PASS_THROUGH, ReplayRuns.FLOOR, ReplayRuns.REPLAY),
                List.of(ReplayRuns.FLOOR, ReplayRuns.REPLAY, ReplayRuns.PASS_THROUGH),
                // The fourth repeat wraps round to the first's order.
                List.of(ReplayRuns.REPLAY, ReplayRuns.PASS_THROUGH, ReplayRuns.FLOOR));

        for (int first = 0; first < orders.size(); first++) {
            ReplayRuns.Run run = runs.measure(first);

            assertThat(run.order()).as("first %d", first).isEqualTo(orders.get(first));
            // The pass-through writes every input; the floor all but the repeat; replay what its files hold.
            assertThat(run.passThrough().written()).as("first %d", first).isEqualTo(inputs);
            assertThat(run.floor().written()).as("first %d", first).isEqualTo(inputs - 1);
            assertThat(lines(tmp.resolve("out").resolve("passthrough"))).isEqualTo(inputs);
            assertThat(lines(tmp.resolve("out").resolve("dedupfloor"))).isEqualTo(inputs - 1);
            assertThat(run.replay().written()).as("first %d", first).isEqualTo(lines(tmp.resolve("out").resolve("replay")))
                    .isGreaterThan(REQUESTS);
            for (ReplayRuns.Side side : List.of(run.replay(), run.passThrough(), run.floor())) {
                // Every input read in the run's own time: the rate is the inputs over its seconds.
                assertThat(side.rate() * side.seconds()).as("first %d", first).isCloseTo(inputs, within(1e-6 * inputs));
            }
        }
    }
}
