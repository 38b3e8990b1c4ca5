package com.fluxrouter.billing.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The faults of a scenario, run on their own thread while the traffic flows. Each fault waits for a point in the
 * traffic (a share of the records sent) and, where it matters, for the pipeline to have made progress since the
 * last fault, so that a fault always hits a pipeline at work. Records what it did, for the report.
 */
final class Faults {
    private static final Duration PROGRESS_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration BROKER_DOWN = Duration.ofSeconds(3);

    private final ChaosRun run;
    private final Random random;
    private final List<String> done = new ArrayList<>();
    private volatile Throwable failure;

    Faults(ChaosRun run) {
        this.run = run;
        this.random = new Random(run.workload.validRequests() * 7L + run.scenario.ordinal());
    }

    Thread start(Instance first) {
        Thread thread = new Thread(() -> {
            try {
                switch (run.scenario) {
                    case CRASH -> crash(first);
                    case BROKER_RESTART -> brokerRestart();
                    case REBALANCE -> rebalance(first);
                    case STATE_LOSS -> stateLoss(first);
                    case PRODUCER_RETRIES, LATE_DATA -> {
                        // The fault is in the traffic itself (Workload).
                    }
                }
            } catch (Throwable e) {
                failure = e;
            }
        }, "chaos-faults");
        thread.start();
        return thread;
    }

    void rethrow() {
        if (failure != null) {
            throw new IllegalStateException("injecting faults failed", failure);
        }
    }

    /**
     * SIGKILL at random points of the work: once a random share of the requests has been priced (and the instance
     * has priced something since it started), so every kill hits a pipeline mid-stream.
     */
    private void crash(Instance first) throws Exception {
        Instance current = first;
        double[] points = random.doubles(run.size.kills(), 0.05, 0.95).sorted().toArray();
        List<String> at = new ArrayList<>();
        for (double point : points) {
            long before = run.pricedCount();
            ChaosRun.await(() -> run.pricedCount() >= point * run.workload.validRequests(), PROGRESS_TIMEOUT);
            awaitProgress(before);
            Thread.sleep(random.nextInt(500)); // a random moment of its work, not a synchronisation
            at.add(percentPriced());
            current.kill();
            run.log("SIGKILL %d with %s of the requests priced", at.size(), at.get(at.size() - 1));
            current = run.startInstance(current.name());
        }
        done.add(String.format(Locale.ROOT, "%d SIGKILLs of the pipeline process, each restarted at once (with %s of "
                + "the requests priced)", at.size(), String.join(", ", at)));
    }

    private void brokerRestart() throws Exception {
        int restarts = run.size.full() ? 3 : 1;
        List<String> at = new ArrayList<>();
        for (int i = 1; i <= restarts; i++) {
            awaitSent((double) i / (restarts + 1));
            awaitProgress(run.pricedCount());
            at.add(percentSent());
            run.restartBroker(BROKER_DOWN);
        }
        done.add(String.format(Locale.ROOT, "broker stopped for %d s and restarted on the same log dir and port, %d "
                + "time(s) (at %s of the records sent)", BROKER_DOWN.toSeconds(), restarts, String.join(", ", at)));
    }

    private void rebalance(Instance first) throws Exception {
        awaitSent(0.2);
        Instance second = run.startInstance("b");
        awaitMembers(2);
        String joined = percentSent();
        awaitProgress(run.pricedCount());
        awaitSent(0.45);
        second.stop();
        String left = percentSent();
        run.log("instance b left cleanly");
        awaitSent(0.6);
        second = run.startInstance("b");
        awaitMembers(2);
        String rejoined = percentSent();
        awaitProgress(run.pricedCount());
        awaitSent(0.8);
        second.kill();
        run.log("instance b SIGKILLed");
        done.add(String.format(Locale.ROOT, "2nd instance joined at %s, left cleanly at %s; joined again at %s, "
                + "SIGKILLed at %s (of the records sent)", joined, left, rejoined, percentSent()));
    }

    private void stateLoss(Instance first) throws Exception {
        awaitSent(0.35);
        awaitProgress(run.pricedCount());
        String killedAt = percentSent();
        first.kill();
        ChaosSuite.delete(first.stateDir());
        Instance again = run.startInstance(first.name());
        run.log("state deleted after SIGKILL; restarted");
        awaitSent(0.7);
        awaitProgress(run.pricedCount());
        String stoppedAt = percentSent();
        again.stop();
        ChaosSuite.delete(again.stateDir());
        run.startInstance(first.name());
        run.log("state deleted after a clean stop; restarted");
        done.add(String.format(Locale.ROOT, "state dir deleted before restart: after SIGKILL at %s, after a clean "
                + "stop at %s (of the records sent)", killedAt, stoppedAt));
    }

    /** What was injected, traffic faults included, for the report. */
    String describe(ChaosRun run) {
        List<String> all = new ArrayList<>(done);
        Workload workload = run.workload;
        if (run.scenario == Scenario.LATE_DATA) {
            all.add(String.format(Locale.ROOT, "%,d requests delayed by 0.5-5 days of event time, %,d held back until "
                    + "every month closed; all out of order by up to 2 h", workload.delayed, workload.stragglers.size()));
        }
        all.add(String.format(Locale.ROOT, "%,d resent copies (%s of requests, up to %d s later)", workload.copies,
                run.scenario == Scenario.PRODUCER_RETRIES ? "10 %" : "1 %", run.longestResendSeconds()));
        all.add(String.format(Locale.ROOT, "%,d invalid records of 8 kinds", workload.invalid.size()));
        return String.join("; ", all);
    }

    private void awaitSent(double share) throws InterruptedException {
        // Bounded by the traffic: it either gets there or stops (and then the run reports why).
        ChaosRun.await(() -> run.sent() >= share * run.records() || !run.producing(), Duration.ofDays(1));
    }

    /** Until something more is priced, or all input sent is consumed (nothing left to make progress on). */
    private void awaitProgress(long pricedBefore) throws InterruptedException {
        ChaosRun.await(() -> run.pricedCount() > pricedBefore || run.caughtUpWithInput(), PROGRESS_TIMEOUT);
    }

    private void awaitMembers(int members) throws InterruptedException {
        if (!ChaosRun.await(() -> run.groupMembers() >= members, PROGRESS_TIMEOUT)) {
            run.log("the group did not reach %d members within %s", members, PROGRESS_TIMEOUT);
        }
    }

    private String percentPriced() {
        return String.format(Locale.ROOT, "%d %%", Math.round(100.0 * run.pricedCount() / run.workload.validRequests()));
    }

    private String percentSent() {
        return String.format(Locale.ROOT, "%d %%", Math.round(100.0 * run.sent() / run.records()));
    }
}
