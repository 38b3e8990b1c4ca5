package com.fluxrouter.billing.chaos;

import com.fluxrouter.billing.cli.FluxBilling;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One pipeline instance as its own JVM ({@code flux-billing run}), so that it can be killed with SIGKILL: no
 * commit, no leaving the group, no flush of anything. Its settings come as environment variables, its output goes
 * to a log file next to its state directory.
 */
final class Instance {
    /**
     * The pipeline's settings in these runs, as {@code run} reads them from the environment. The billing clock of a
     * quiet partition follows the wall clock after the default five minutes, far longer than any fault lasts.
     */
    static final Map<String, String> SETTINGS = Map.of(
            "KAFKA_COMMIT_INTERVAL_MS", "100",
            // A killed instance never leaves the group: let the broker notice within seconds.
            "KAFKA_SESSION_TIMEOUT_MS", "6000",
            "FLUX_BILLING_DEDUP__WINDOW", Workload.DEDUP_WINDOW.toString(),
            "FLUX_BILLING_CLOSE__CHECK__INTERVAL", "PT1S",
            "FLUX_HTTP_PORT", "0");
    /**
     * The closing instance's one difference, once all traffic is in: its quiet partitions let the billing clock
     * follow the wall clock after one second rather than five minutes, so every past month closes at once.
     */
    static final Map<String, String> CLOSING = Map.of("FLUX_BILLING_IDLE__CLOSE__AFTER", "PT1S");

    /** Every child started by this JVM: killed if this JVM stops before it does (Ctrl-C, a failed run). */
    private static final Set<Process> CHILDREN = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> CHILDREN.forEach(Process::destroyForcibly),
                "chaos-children-kill"));
    }

    private final String name;
    private final String clientId;
    private final Path stateDir;
    private final Process process;

    private Instance(String name, String clientId, Path stateDir, Process process) {
        this.name = name;
        this.clientId = clientId;
        this.stateDir = stateDir;
        this.process = process;
    }

    /**
     * @param clientId its Streams client id, unique per start (its consumer's id in the group starts with it)
     * @param stateDir the instance's local state (RocksDB stores, checkpoints)
     * @param log      where its standard output and error go (appended: restarts share one file)
     * @param extra    settings on top of {@link #SETTINGS}
     */
    static Instance start(String name, String clientId, String bootstrapServers, Path stateDir, Path log, Map<String, String> extra)
            throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx768m",
                // The application's logging, not that of a test jar that may be on the class path.
                "-Dlog4j2.configurationFile=log4j2.xml", "-cp", System.getProperty("java.class.path"),
                FluxBilling.class.getName(), "run", "--bootstrap-servers", bootstrapServers);
        // Only this run's settings: none inherited from the caller's environment.
        builder.environment().keySet().removeIf(key -> key.startsWith("KAFKA_") || key.startsWith("FLUX_"));
        builder.environment().putAll(SETTINGS);
        builder.environment().putAll(extra);
        builder.environment().put("KAFKA_STATE_DIR", stateDir.toString());
        File file = log.toFile();
        builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(file));
        Process process = builder.start();
        CHILDREN.add(process);
        process.onExit().thenRun(() -> CHILDREN.remove(process));
        return new Instance(name, clientId, stateDir, process);
    }

    String name() {
        return name;
    }

    String clientId() {
        return clientId;
    }

    Path stateDir() {
        return stateDir;
    }

    boolean alive() {
        return process.isAlive();
    }

    /** SIGKILL (what {@code destroyForcibly} sends on Linux), then waits for the process to be gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /**
     * SIGTERM: the shutdown hook commits and leaves the group. Killed if it has not stopped within a minute.
     *
     * @return whether it stopped by itself
     */
    boolean stop() throws InterruptedException {
        process.destroy();
        if (process.waitFor(60, TimeUnit.SECONDS)) {
            return true;
        }
        kill();
        return false;
    }
}
