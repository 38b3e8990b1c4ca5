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

    /**
     * The figures of one run: input records per second of each, replay's wall time, and the CPU time (s) each took,
     * this JVM's (the calling thread, the input's read-ahead thread, GC and JIT; replay runs before the bench starts
     * its broker, so nothing else runs in it), and of replay the calling thread's alone, the one that meters and
     * writes; {@code replayOutputs} the records replay wrote, every output file's (the floor writes one per input).
     */
    record Run(double replay, double passThrough, double floor, double replaySeconds, double replayCpuSeconds,
               double passCpuSeconds, double floorCpuSeconds, double replayThreadCpuSeconds, long replayOutputs) {
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
     */
    Run measure(int first) throws IOException, InterruptedException {
        BillingConfig config = BillingConfig.defaults();
        long[] replayOutputs = new long[1];
        List<Counted> runs = List.of(
                () -> {
                    Replay.Result result = new Replay(config, now).run(in, out.resolve("replay"), true);
                    replayOutputs[0] = result.outputs().values().stream().mapToLong(Long::longValue).sum();
                    return result.inputs();
                },
                () -> new PassThroughReplay(config).run(in, out.resolve("passthrough")),
                () -> PassThroughReplay.dedupFloor(config).run(in, out.resolve("dedupfloor")));
        Timed[] timed = new Timed[runs.size()];
        for (int i = 0; i < runs.size(); i++) {
            int which = Math.floorMod(first + i, runs.size());
            timed[which] = timed(runs.get(which));
        }
        Timed replay = timed[0];
        Timed pass = timed[1];
        Timed floor = timed[2];
        return new Run(Stats.perSecond(replay.count(), replay.nanos()), Stats.perSecond(pass.count(), pass.nanos()),
                Stats.perSecond(floor.count(), floor.nanos()), replay.nanos() / 1e9, replay.cpuNanos() / 1e9,
                pass.cpuNanos() / 1e9, floor.cpuNanos() / 1e9, replay.threadCpuNanos() / 1e9, replayOutputs[0]);
    }

    private interface Counted {
        long run() throws IOException;
    }

    /** @param cpuNanos this JVM's CPU time; {@code threadCpuNanos} the calling thread's */
    private record Timed(long count, long nanos, long cpuNanos, long threadCpuNanos) {
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
        long count = work.run();
        return new Timed(count, System.nanoTime() - start, StreamsRuns.processCpuNanos() - cpu,
                threads.getCurrentThreadCpuTime() - thread);
    }

    int requests() {
        return requests;
    }
}
