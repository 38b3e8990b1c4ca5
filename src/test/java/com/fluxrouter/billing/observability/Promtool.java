package com.fluxrouter.billing.observability;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus's own {@code promtool check metrics}: the exposition is read by Prometheus's parser (the one its scrapes
 * use), not by one written here. Installed by {@code .ci/install-promtool} (CI runs it); on a machine without it the
 * test is skipped with that hint, except under CI ({@code CI=true}), where a missing promtool fails the test.
 */
public final class Promtool {
    private Promtool() {
    }

    /**
     * The result of one check: the exit status and what promtool printed. Status 1 with "error while linting" is a
     * parse error (what a scrape would refuse); status 3 lists lint problems, one per line, {@code <name> <problem>}.
     */
    public record Check(int status, String output) {
        /** Prometheus's parser read every line. */
        public boolean parsed() {
            return (status == 0 || status == 3) && !output.contains("error while linting");
        }

        /**
         * Lint problems of the families starting with {@code prefix}. Kafka's metric names (with {@code _ns},
         * {@code _ms}, {@code _count} in them) and two of Micrometer's JVM names draw lint notes that are theirs to
         * keep: their names are what Kafka's and Micrometer's documentation and dashboards use.
         */
        public List<String> problemsOf(String prefix) {
            return output.lines().filter(line -> line.startsWith(prefix)).toList();
        }
    }

    /**
     * Runs {@code promtool check metrics} on {@code exposition}.
     *
     * @throws IOException when promtool cannot be started or does not answer within 60 s
     */
    public static Check check(String exposition) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(executable(), "check", "metrics").redirectErrorStream(true).start();
        try (OutputStream in = process.getOutputStream()) {
            in.write(exposition.getBytes(StandardCharsets.UTF_8));
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("promtool did not answer within 60 s");
        }
        return new Check(process.exitValue(), output);
    }

    private static String executable() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, "promtool");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        String hint = "promtool is not on the PATH: run `bash .ci/install-promtool` (as root) first";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException(hint);
        }
        Assumptions.abort(hint);
        return null;
    }
}
