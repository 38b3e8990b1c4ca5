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

/**
 * {@code replay} over files, against a pass-through processor on the same driver over the same files. The input
 * spreads its requests evenly over two calendar months, so months close and invoice lines are written too.
 */
final class ReplayRuns {
    private static final Instant FROM = Instant.parse("2026-09-01T00:00:00Z");
    private static final Duration SPAN = Duration.ofDays(61);

    private final Path in;
    private final Path out;
    private final Instant now;
    private final int requests;

    /**
     * Both figures of one run, input records per second, replay's wall time, and the CPU time each took (they run on
     * this one thread, so the CPU time does not grow when other work shares the machine).
     */
    record Run(double replay, double passThrough, double replaySeconds, double replayCpuSeconds, double passCpuSeconds) {
    }

    private ReplayRuns(Path in, Path out, Instant now, int requests) {
        this.in = in;
        this.out = out;
        this.now = now;
        this.requests = requests;
    }

    /** Writes the input: the demo's plans for the planned accounts, then the requests, as JSON lines. */
    static ReplayRuns prepare(Path dir, long seed, Path trace, int requests) throws IOException {
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
        return new ReplayRuns(in, dir.resolve("out"), last, requests);
    }

    Run measure() throws IOException {
        BillingConfig config = BillingConfig.defaults();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long start = System.nanoTime();
        long cpu = threads.getCurrentThreadCpuTime();
        long replayed = new Replay(config, now).run(in, out.resolve("replay"), true).inputs();
        long replayNanos = System.nanoTime() - start;
        long replayCpu = threads.getCurrentThreadCpuTime() - cpu;
        start = System.nanoTime();
        cpu = threads.getCurrentThreadCpuTime();
        long passed = new PassThroughReplay(config).run(in, out.resolve("passthrough"));
        long passNanos = System.nanoTime() - start;
        long passCpu = threads.getCurrentThreadCpuTime() - cpu;
        return new Run(Stats.perSecond(replayed, replayNanos), Stats.perSecond(passed, passNanos),
                replayNanos / 1e9, replayCpu / 1e9, passCpu / 1e9);
    }

    int requests() {
        return requests;
    }
}
