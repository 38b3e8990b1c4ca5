package com.fluxrouter.billing.cli;

import com.fluxrouter.billing.local.Demo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "demo", mixinStandardHelpOptions = true, version = FluxBilling.VERSION,
        header = "Runs a local broker, the pipeline and live traffic, and shows the billing as it happens.",
        description = {
        "Starts a local Kafka broker (KRaft, 127.0.0.1), creates the topics, seeds the catalog and some plans,",
        "runs the pipeline with exactly_once_v2 and live traffic, and shows what happens. Ctrl-C stops it;",
        "running it again resumes from --data-dir."})
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--data-dir", defaultValue = ".flux-demo", description = "Broker log and pipeline state (default ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--port", defaultValue = "9092", description = "Broker port on 127.0.0.1 (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--http-port", defaultValue = "8080", description = "HTTP API port on 127.0.0.1 (default ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(names = "--rate", defaultValue = "50", description = "Routed requests per second (default ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--accounts", defaultValue = "50", description = "Accounts sending traffic (default ${DEFAULT-VALUE}).")
    int accounts;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the traffic (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--trace", description = "Token counts from an Azure LLM inference trace CSV instead of the built-in distributions.")
    Path trace;

    @Option(names = "--duration", description = "Stop by itself after this long (ISO-8601, e.g. PT2M); default: run until Ctrl-C.")
    Duration duration;

    @Override
    public Integer call() throws Exception {
        CountDownLatch stopped = new CountDownLatch(1);
        Demo demo = Demo.start(new Demo.Options(dataDir, port, httpPort, rate, accounts, seed, trace, Duration.ofSeconds(2), System.out));
        Thread closer = new Thread(() -> {
            try {
                System.out.println("Stopping: traffic, then the pipeline (committing), then the broker...");
                demo.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                stopped.countDown();
            }
        }, "flux-demo-shutdown");
        Runtime.getRuntime().addShutdownHook(closer);
        if (duration != null) {
            Thread.sleep(duration.toMillis());
            Runtime.getRuntime().removeShutdownHook(closer);
            closer.start();
        }
        stopped.await();
        return 0;
    }
}
