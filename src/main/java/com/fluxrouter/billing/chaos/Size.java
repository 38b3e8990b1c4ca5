package com.fluxrouter.billing.chaos;

/**
 * How much traffic a run produces and how many faults it injects.
 *
 * @param requests   distinct valid requests per scenario (invalid records and resent copies come on top)
 * @param accounts   accounts the traffic spreads over (a few carry most of it)
 * @param partitions partitions of the request-keyed topics
 * @param rate       requests produced per second (traffic keeps flowing while faults happen)
 * @param kills      SIGKILLs of the crash scenario
 * @param full       the sizes rather than the reduced CI form
 */
public record Size(int requests, int accounts, int partitions, int rate, int kills, boolean full) {
    /**
     * The reduced form CI runs: about 4 s of traffic per scenario (the faults hold it at their points); the rest is
     * start-ups and waits. The pipeline prices thousands of requests a second here (docs/performance.md), so it keeps
     * up at 500 as it did at 200 a second: the slower pace only lengthened the run.
     */
    public static Size reducedForm() {
        return new Size(2_000, 40, 4, 500, 2, false);
    }

    /** The sizes: at least 500,000 requests and at least 10 SIGKILLs. */
    public static Size fullForm() {
        return new Size(500_000, 1_000, 4, 5_000, 12, true);
    }

    public Size withRequests(int requests) {
        return new Size(requests, accounts, partitions, rate, kills, full);
    }

    public Size withRate(int rate) {
        return new Size(requests, accounts, partitions, rate, kills, full);
    }

    public Size withKills(int kills) {
        return new Size(requests, accounts, partitions, rate, kills, full);
    }

    public String label() {
        return full ? "full" : "reduced";
    }
}
