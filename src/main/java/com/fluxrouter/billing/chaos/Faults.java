package com.fluxrouter.billing.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The faults of a scenario, run on their own thread while the traffic flows. Each fault waits for a point in the
 * traffic (a share of the records sent) and, where it matters, for the pipeline to have made progress since the
 * last fault, so that a fault always hits a pipeline at work. The traffic is held at each fault point until the
 * fault is in place (an instance started again owns its partitions, a newcomer owns some), so that however slowly
 * a child JVM starts, traffic is still to come after every fault; a fault that lands after all traffic was sent
 * is a problem of the run. Records what it did, for the report.
 */
final class Faults {
    private static final Duration PROGRESS_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration BROKER_DOWN = Duration.ofSeconds(3);

    private final ChaosRun run;
    private final Random random;
    private final List<String> done = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
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
                    case PRODUCER_RETRIES, LATE_DATA, MISROUTED_PRODUCER -> {
                        // The fault is in the traffic itself (Workload).
                    }
                }
            } catch (Throwable e) {
                failure = e;
            } finally {
                run.releaseTraffic();
            }
        }, "chaos-faults");
        thread.start();
        return thread;
    }

    /** Faults that did not hit the pipeline under load, or did not do what they are for. */
    synchronized List<String> problems() {
        return List.copyOf(problems);
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
            // Held a little past the kill point, so that traffic is still to come when the killed instance restarts.
            holdAt(Math.min(point + 0.02, 0.98));
            if (!ChaosRun.await(() -> run.pricedCount() >= point * run.workload.validRequests()
                    || run.caughtUpWithInput(), ChaosRun.STALL)) {
                throw new IllegalStateException(String.format(Locale.ROOT, "%.0f %% of the requests not priced "
                        + "within %s", 100 * point, ChaosRun.STALL));
            }
            awaitProgress(run.pricedCount()); // this instance itself at work, not only the one killed before
            Thread.sleep(random.nextInt(500)); // a random moment of its work, not a synchronisation
            at.add(percentPriced());
            current.kill();
            run.log("SIGKILL %d with %s of the requests priced", at.size(), at.get(at.size() - 1));
            current = run.startInstance(current.name());
            awaitOwning(current, "restarted instance " + current.name());
            landed("SIGKILL " + at.size());
        }
        done.add(String.format(Locale.ROOT, "%d SIGKILLs of the pipeline process, each restarted at once (with %s of "
                + "the requests priced)", at.size(), String.join(", ", at)));
    }

    private void brokerRestart() throws Exception {
        int restarts = run.size.full() ? 3 : 1;
        List<String> at = new ArrayList<>();
        for (int i = 1; i <= restarts; i++) {
            holdAt((double) i / (restarts + 1));
            awaitProgress(run.pricedCount());
            at.add(percentSent());
            run.restartBroker(BROKER_DOWN);
            landed("broker restart " + i);
        }
        done.add(String.format(Locale.ROOT, "broker stopped for %d s and restarted on the same log dir and port, %d "
                + "time(s) (at %s of the records sent)", BROKER_DOWN.toSeconds(), restarts, String.join(", ", at)));
    }

    private void rebalance(Instance first) throws Exception {
        int partitions = run.size.partitions();
        holdAt(0.2);
        Instance second = run.startInstance("b");
        int owned = awaitOwning(second, "instance b");
        String joined = percentSent();
        landed("b joining");
        awaitProgress(run.pricedCount());
        holdAt(0.45);
        second.stop();
        String left = percentSent();
        run.log("instance b left cleanly");
        landed("b leaving");
        holdAt(0.6);
        second = run.startInstance("b");
        int ownedAgain = awaitOwning(second, "instance b (again)");
        String rejoined = percentSent();
        landed("b joining again");
        awaitProgress(run.pricedCount());
        holdAt(0.8);
        second.kill();
        run.log("instance b SIGKILLed");
        String killed = percentSent();
        landed("b SIGKILLed");
        if (owned == 0 || ownedAgain == 0) {
            problem(String.format(Locale.ROOT, "instance b owned no request partition (%d, then %d of %d)", owned,
                    ownedAgain, partitions));
        }
        done.add(String.format(Locale.ROOT, "2nd instance joined at %s (b owned %d of %d request partitions), left "
                + "cleanly at %s; joined again at %s (b owned %d of %d), SIGKILLed at %s (of the records sent)", joined,
                owned, partitions, left, rejoined, ownedAgain, partitions, killed));
    }

    private void stateLoss(Instance first) throws Exception {
        holdAt(0.35);
        awaitProgress(run.pricedCount());
        String killedAt = percentSent();
        first.kill();
        ChaosSuite.delete(first.stateDir());
        Instance again = run.startInstance(first.name());
        awaitOwning(again, "instance restarted without state");
        run.log("state deleted after SIGKILL; restarted");
        landed("restart after SIGKILL and state loss");
        holdAt(0.7);
        awaitProgress(run.pricedCount());
        String stoppedAt = percentSent();
        again.stop();
        ChaosSuite.delete(again.stateDir());
        Instance third = run.startInstance(first.name());
        awaitOwning(third, "instance restarted without state (2nd)");
        run.log("state deleted after a clean stop; restarted");
        landed("restart after a clean stop and state loss");
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
        if (run.scenario == Scenario.MISROUTED_PRODUCER) {
            all.add(String.format(Locale.ROOT, "%,d requests produced by CRC32 of the key to another partition than "
                    + "murmur2's", run.misroutedSent()));
        }
        all.add(String.format(Locale.ROOT, "%,d resent copies (%s of requests, up to %d s later)", workload.copies,
                Workload.resendShare(run.scenario) > 0.05 ? "10 %" : "1 %", run.longestResendSeconds()));
        all.add(String.format(Locale.ROOT, "%,d invalid records of 8 kinds", workload.invalid.size()));
        return String.join("; ", all);
    }

    /** Holds the traffic at a share of the records and waits until it got there (or stopped). */
    private void holdAt(double share) throws InterruptedException {
        int records = (int) Math.round(share * run.records());
        run.holdTraffic(records);
        // The traffic's own duration, with room for a loaded machine and a broker restart.
        Duration bound = Duration.ofSeconds(2L * run.records() / run.size.rate()).plus(ChaosRun.STALL);
        if (!ChaosRun.await(() -> run.sent() >= records || !run.producing(), bound)) {
            throw new IllegalStateException(run.sent() + " of " + records + " records sent within " + bound);
        }
    }

    /** The fault is in place: the traffic goes on; if none was left to send, the fault came too late to count. */
    private void landed(String fault) {
        if (run.sent() >= run.records()) {
            problem(fault + " landed after 100 % of the records were sent");
        }
        run.releaseTraffic();
    }

    private synchronized void problem(String problem) {
        run.log("%s", problem);
        problems.add(problem);
    }

    /** Waits until the group is stable with the instance owning request partitions; how many (0 if it never did). */
    private int awaitOwning(Instance instance, String what) throws InterruptedException {
        int[] owned = {0};
        if (!ChaosRun.await(() -> (owned[0] = run.ownedRequestPartitions(instance)) > 0, ChaosRun.STALL)) {
            problem(what + " owned no request partition within " + ChaosRun.STALL);
        }
        return owned[0];
    }

    /** Until something more is priced, or all input sent so far is consumed (nothing left to make progress on). */
    private void awaitProgress(long pricedBefore) throws InterruptedException {
        ChaosRun.await(() -> run.pricedCount() > pricedBefore || run.caughtUpWithInput(), PROGRESS_TIMEOUT);
    }

    private String percentPriced() {
        return String.format(Locale.ROOT, "%d %%", Math.round(100.0 * run.pricedCount() / run.workload.validRequests()));
    }

    private String percentSent() {
        return String.format(Locale.ROOT, "%d %%", Math.round(100.0 * run.sent() / run.records()));
    }
}
