package com.fluxrouter.billing.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What Linux's {@code /proc} says about this process and the machine, for figures the JVM does not give: the
 * resident set of this process (heap, metaspace, threads, RocksDB's native memory, the in-JVM broker: everything
 * of the process the OS keeps in RAM) and the busy time of every core, whichever process used it. Elsewhere than on
 * Linux (or if a file cannot be read) the figures are unknown, never guessed.
 */
final class ProcFs {
    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path STAT = Path.of("/proc/stat");

    private ProcFs() {
    }

    /** This process's resident set ({@code VmRSS} of /proc/self/status) in bytes; -1 when unknown. */
    static long rssBytes() {
        String status = read(STATUS);
        return status == null ? -1 : vmRssBytes(status);
    }

    /**
     * Busy and total time of the machine's cores so far ({@code cpu} line of /proc/stat), in clock ticks, and the
     * number of cores it counts; null when unknown.
     */
    static CoreTicks coreTicks() {
        String stat = read(STAT);
        return stat == null ? null : coreTicks(stat);
    }

    /**
     * Time of all cores since boot: {@code busy} is user, nice, system, irq, softirq and steal (guest time is part
     * of user), {@code total} adds idle and iowait; {@code cores} is the number of {@code cpuN} lines.
     */
    record CoreTicks(long busy, long total, int cores) {
        /** Cores busy on average from {@code earlier} to this: busy share of the ticks between, times the cores. */
        double coresBusySince(CoreTicks earlier) {
            long ticks = total - earlier.total;
            return ticks <= 0 ? Double.NaN : (double) (busy - earlier.busy) / ticks * cores;
        }
    }

    /** @param status the text of a /proc/PID/status file; @return its VmRSS in bytes, -1 if it has none */
    static long vmRssBytes(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("VmRSS:")) {
                String[] fields = line.substring("VmRSS:".length()).trim().split("\\s+");
                // The kernel writes it in kB (KiB); a bare number would be bytes.
                return Long.parseLong(fields[0]) * (fields.length > 1 && fields[1].equals("kB") ? 1024 : 1);
            }
        }
        return -1;
    }

    /** @param stat the text of /proc/stat; @return its aggregate {@code cpu} line's ticks, null if it has none */
    static CoreTicks coreTicks(String stat) {
        long[] aggregate = null;
        int cores = 0;
        for (String line : stat.split("\n")) {
            if (line.startsWith("cpu ")) {
                String[] fields = line.trim().split("\\s+");
                aggregate = new long[fields.length - 1];
                for (int i = 1; i < fields.length; i++) {
                    aggregate[i - 1] = Long.parseLong(fields[i]);
                }
            } else if (line.matches("cpu\\d+ .*")) {
                cores++;
            }
        }
        if (aggregate == null || aggregate.length < 4 || cores == 0) {
            return null;
        }
        // user nice system idle iowait irq softirq steal guest guest_nice; older kernels stop earlier.
        long idle = aggregate[3] + field(aggregate, 4);
        long busy = aggregate[0] + aggregate[1] + aggregate[2] + field(aggregate, 5) + field(aggregate, 6)
                + field(aggregate, 7);
        return new CoreTicks(busy, busy + idle, cores);
    }

    private static long field(long[] fields, int index) {
        return index < fields.length ? fields[index] : 0;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException unavailable) {
            return null;
        }
    }
}
