package com.fluxrouter.billing.bench;

import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.local.DemoPlans;
import com.fluxrouter.billing.replay.AvroJson;
import com.fluxrouter.billing.replay.PassThroughReplay;
import com.fluxrouter.billing.replay.Replay;
import com.fluxrouter.billing.schema.AccountPlan;
import com.fluxrouter.billing.serde.Serdes;

import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code replay} over files, against a pass-through processor and the dedup floor on the same driver over the same
 * files ({@link PassThroughReplay}). The input
 * spreads its requests evenly over two calendar months, so months close and invoice lines are written too.
 */
final class ReplayRuns {
    private static final Instant FROM = Instant.parse("2026-09-01T00:00:00Z");
    private static final Duration SPAN = Duration.ofDays(61);

    private final Path in;
    private final Path out;
    private final Instant now;
    private final int requests;
    private final QuietJvm quiet;

    /** The names of the three runs, as {@link Run#order} gives them. */
    static final String REPLAY = "replay";
    static final String PASS_THROUGH = "pass-through";
    static final String FLOOR = "dedup floor";

    /**
     * One repeat's three runs, each with its own figures, and {@code order} their names ({@link #REPLAY},
     * {@link #PASS_THROUGH}, {@link #FLOOR}) in the order they ran.
     */
    record Run(Side replay, Side passThrough, Side floor, List<String> order) {
    }

    /**
     * One run's figures, all from the same run: input records per second, wall time (s), the CPU time (s) of this JVM
     * (the calling thread, the input's read-ahead thread, GC and JIT; replay runs before the bench starts its broker,
     * so nothing else runs in it) and of the calling thread alone (replay's: the one that meters and writes), and the
     * records it wrote (replay: every output file's; the pass-through one per input; the floor one per input but
     * none for a repeated request id).
     */
    record Side(double rate, double seconds, double cpuSeconds, double threadCpuSeconds, long written) {
        private static Side of(Timed timed) {
            return new Side(Stats.perSecond(timed.counts().inputs(), timed.nanos()), timed.nanos() / 1e9,
                    timed.cpuNanos() / 1e9, timed.threadCpuNanos() / 1e9, timed.counts().written());
        }
    }

    private ReplayRuns(Path in, Path out, Instant now, int requests, QuietJvm quiet) {
        this.quiet = quiet;
        this.in = in;
        this.out = out;
        this.now = now;
        this.requests = requests;
    }

    /**
     * Writes the input: the demo's plans for the planned accounts, then the requests, as JSON lines.
     *
     * @param quietLimit the longest wait for a quiet JVM before each timed run ({@link QuietJvm}; zero: none), so that
     *                   the GC and JIT work an earlier run left is not timed as this one's CPU
     */
    static ReplayRuns prepare(Path dir, long seed, Path trace, int requests, Duration quietLimit) throws IOException {
        Path in = Files.createDirectories(dir.resolve("in"));
        AvroJson json = new AvroJson();
        try (BufferedWriter writer = Files.newBufferedWriter(in.resolve("plans.jsonl"), StandardCharsets.UTF_8)) {
            for (AccountPlan plan : DemoPlans.forAccounts(StreamsRuns.PLANNED_ACCOUNTS)) {
                writer.write(json.write(plan));
                writer.write('\n');
            }
        }
        Workload workload = new Workload(seed, trace, StreamsRuns.PLANNED_ACCOUNTS, Workload.Spread.SKEWED, "replay",
                new Serdes(BillingConfig.defaults().wireFormat()));
        long stepMs = Math.max(1, SPAN.toMillis() / Math.max(1, requests));
        Instant last = FROM;
        try (BufferedWriter writer = Files.newBufferedWriter(in.resolve("requests.jsonl"), StandardCharsets.UTF_8)) {
            for (int i = 0; i < requests; i++) {
                last = FROM.plusMillis(i * stepMs);
                writer.write(json.write(workload.next(last)));
                writer.write('\n');
            }
        }
        return new ReplayRuns(in, dir.resolve("out"), last, requests, new QuietJvm(quietLimit));
    }

    /**
     * One replay, one pass-through and one dedup floor over the same files, in the order {@code first} names and on
     * from there, wrapping (0: replay, pass-through, floor; 1: pass-through, floor, replay; 2: floor, replay,
     * pass-through), so that over three repeats none always runs with the colder JIT, page cache and heap.
     *
     * @param first which runs first (any int, taken modulo 3; the bench passes its repeat's number less one)
     * @return the three runs' figures, each its own run's, and the order they ran in
     * @throws IOException when an input cannot be read or an output written
     */
    Run measure(int first) throws IOException, InterruptedException {
        BillingConfig config = BillingConfig.defaults();
        List<String> names = List.of(REPLAY, PASS_THROUGH, FLOOR);
        List<Counted> runs = List.of(
                () -> {
                    Replay.Result result = new Replay(config, now).run(in, out.resolve("replay"), true);
                    return new Counts(result.inputs(), result.outputs().values().stream().mapToLong(Long::longValue).sum());
                },
                () -> {
                    PassThroughReplay pass = new PassThroughReplay(config);
                    return new Counts(pass.run(in, out.resolve("passthrough")), pass.written());
                },
                () -> {
                    PassThroughReplay floor = PassThroughReplay.dedupFloor(config);
                    return new Counts(floor.run(in, out.resolve("dedupfloor")), floor.written());
                });
        Timed[] timed = new Timed[runs.size()];
        List<String> order = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            int which = Math.floorMod(first + i, runs.size());
            timed[which] = timed(runs.get(which));
            order.add(names.get(which));
        }
        return new Run(Side.of(timed[0]), Side.of(timed[1]), Side.of(timed[2]), List.copyOf(order));
    }

    private interface Counted {
        Counts run() throws IOException;
    }

    /** Records one run read and wrote. */
    private record Counts(long inputs, long written) {
    }

    /** @param cpuNanos this JVM's CPU time; {@code threadCpuNanos} the calling thread's */
    private record Timed(Counts counts, long nanos, long cpuNanos, long threadCpuNanos) {
    }

    private Timed timed(Counted work) throws IOException, InterruptedException {
        // Each run leaves its stores as garbage (a million ids and more), which the next run's GC would collect and be
        // timed for: start each from a collected heap, then wait out what the collection leaves running.
        System.gc();
        quiet.await();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long start = System.nanoTime();
        long cpu = StreamsRuns.processCpuNanos();
        long thread = threads.getCurrentThreadCpuTime();
        Counts counts = work.run();
        return new Timed(counts, System.nanoTime() - start, StreamsRuns.processCpuNanos() - cpu,
                threads.getCurrentThreadCpuTime() - thread);
    }

    int requests() {
        return requests;
    }
}
