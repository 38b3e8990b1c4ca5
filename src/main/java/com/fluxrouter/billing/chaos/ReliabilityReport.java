package com.fluxrouter.billing.chaos;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The table of {@code docs/reliability.md}: the columns, one row per scenario, headed by when, on which
 * revision and machine, and at which sizes the run was made. Written between two marker comments, so the prose
 * around it stays as it is; a file without the markers gets the block appended.
 */
public final class ReliabilityReport {
    static final String BEGIN = "<!-- chaos-table:begin (written by bin/flux-billing chaos --report) -->";
    static final String END = "<!-- chaos-table:end -->";

    private ReliabilityReport() {
    }

    public static String table(List<Row> rows, Size size, long seed, long seconds) {
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "Run of %s, git %s, %s; %s sizes (%,d distinct valid requests per scenario"
                        + ", %,d accounts), seed %d; %d s in all.%n%n",
                Instant.now().truncatedTo(ChronoUnit.SECONDS), revision(), machine(), size.label(), size.requests(),
                size.accounts(), seed, seconds));
        text.append("| scenario | load | faults injected | requests in | priced | rejected | duplicates dropped | "
                + "invoice total vs. expected | result |\n");
        text.append("|---|---|---|--:|--:|--:|--:|---|---|\n");
        for (Row row : rows) {
            text.append(String.format(Locale.ROOT, "| %s | %s | %s | %,d | %,d | %,d | %,d | %s | %s |%n",
                    cell(row.scenario().title()), cell(row.load()), cell(row.faults()), row.requestsIn(), row.priced(),
                    row.rejected(), row.duplicatesDropped(), cell(row.invoiceTotals()), cell(row.result())));
        }
        return text.toString();
    }

    /** Replaces the block between the markers (or appends one) with the table. */
    public static void write(Path file, String table) throws IOException {
        String block = BEGIN + "\n" + table + END + "\n";
        String text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "# Reliability\n\n";
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        if (begin >= 0 && end > begin) {
            text = text.substring(0, begin) + block + text.substring(end + END.length()).replaceFirst("^\n", "");
        } else {
            text = text + (text.endsWith("\n") ? "\n" : "\n\n") + block;
        }
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    private static String revision() {
        String head = git("rev-parse", "--short=12", "HEAD");
        if (head.isEmpty()) {
            return "unknown";
        }
        return git("status", "--porcelain", "--untracked-files=no").isEmpty() ? head : head + " (with local changes)";
    }

    private static String git(String... args) {
        try {
            String[] command = new String[args.length + 1];
            command[0] = "git";
            System.arraycopy(args, 0, command, 1, args.length);
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0 ? out : "";
        } catch (IOException | InterruptedException e) {
            return "";
        }
    }

    private static String machine() {
        long memory = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
        return String.format(Locale.ROOT, "%s %s, %d cores, %d GiB, Java %s", System.getProperty("os.name"),
                System.getProperty("os.arch"), Runtime.getRuntime().availableProcessors(), memory >> 30,
                System.getProperty("java.version"));
    }
}
