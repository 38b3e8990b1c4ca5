package com.fluxrouter.billing.bench;

/**
 * The CPU used during an interval, as cores busy on average: by this JVM (its process CPU time over the wall time;
 * the JVM holds the broker, the pipeline, the load generator and the consumers of a latency run) and by the whole
 * machine (/proc/stat: every process, so other work sharing the cores shows). 2.0 on a 2-core machine is saturated.
 *
 * @param jvmCores     process CPU time of this JVM over the wall time
 * @param machineCores busy time of all cores over the wall time; NaN when /proc/stat is unavailable
 * @param cores        the cores there are (/proc/stat's, else the JVM's available processors)
 */
record CpuUse(double jvmCores, double machineCores, int cores) {
    /** What the clocks say at one instant. */
    record Reading(long wallNanos, long processCpuNanos, ProcFs.CoreTicks ticks) {
        static Reading now() {
            return new Reading(System.nanoTime(), StreamsRuns.processCpuNanos(), ProcFs.coreTicks());
        }
    }

    /** The CPU used from {@code start} to {@code end} (an empty interval counts as one nanosecond). */
    static CpuUse between(Reading start, Reading end) {
        double wall = Math.max(1, end.wallNanos() - start.wallNanos());
        double jvm = (end.processCpuNanos() - start.processCpuNanos()) / wall;
        boolean machineKnown = start.ticks() != null && end.ticks() != null;
        return new CpuUse(jvm, machineKnown ? end.ticks().coresBusySince(start.ticks()) : Double.NaN,
                end.ticks() != null ? end.ticks().cores() : Runtime.getRuntime().availableProcessors());
    }
}
