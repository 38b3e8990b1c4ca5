package com.fluxrouter.billing.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real schema registry (Apicurio Registry 2.4.2, in memory, built from registry/ before the integration tests) as
 * a child process on a free port: it picks the port itself (0) and says which in its log, so no port can be taken
 * between choosing and binding. Serves the Confluent-compatible API at {@link #url()}. A test JVM that exits without
 * closing it (Ctrl-C, SIGTERM) kills it on the way out ({@link ChildProcessGuard}).
 */
final class SchemaRegistryServer implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("Listening on: http://127\\.0\\.0\\.1:(\\d+)");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final Process process;
    private final ChildProcessGuard guard;
    private final Path log;
    private final String url;

    private SchemaRegistryServer(Process process, ChildProcessGuard guard, Path log, String url) {
        this.process = process;
        this.guard = guard;
        this.log = log;
        this.url = url;
    }

    static SchemaRegistryServer start(Path workDir) throws Exception {
        Path jar = Path.of(System.getProperty("flux.it.registry-jar", "registry/target/flux-schema-registry-runner.jar"));
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: `mvn verify` builds it (or mvn -f registry/pom.xml package)");
        }
        Path log = workDir.resolve("registry.log");
        Process process = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-Dquarkus.http.port=0", "-Dquarkus.http.host=127.0.0.1", "-jar", jar.toString()))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        ChildProcessGuard guard = ChildProcessGuard.killOnExit(process);
        try {
            int port = awaitPort(process, log);
            SchemaRegistryServer server = new SchemaRegistryServer(process, guard, log,
                    "http://127.0.0.1:" + port + "/apis/ccompat/v7");
            server.awaitReady();
            return server;
        } catch (Exception | Error e) {
            guard.stop(0);
            guard.close();
            throw e;
        }
    }

    /** The Confluent-compatible REST root. */
    String url() {
        return url;
    }

    private static int awaitPort(Process process, Path log) throws Exception {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("registry exited with " + process.exitValue() + ":\n" + tail(log));
            }
            Matcher matcher = LISTENING.matcher(Files.readString(log));
            if (matcher.find()) {
                return Integer.parseInt(matcher.group(1));
            }
            process.waitFor(100, TimeUnit.MILLISECONDS);
        }
        throw new IllegalStateException("registry did not start within " + START_TIMEOUT + ":\n" + tail(log));
    }

    /** Listening is not yet serving: wait until the API answers. */
    private void awaitReady() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url + "/subjects"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // keep waiting
            }
            process.waitFor(100, TimeUnit.MILLISECONDS);
        }
        throw new IllegalStateException("registry API did not answer within " + START_TIMEOUT + ":\n" + tail(log));
    }

    private static String tail(Path log) throws IOException {
        String text = Files.exists(log) ? Files.readString(log) : "";
        return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
    }

    @Override
    public void close() throws Exception {
        guard.close();
    }
}
