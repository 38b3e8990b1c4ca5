package com.fluxrouter.billing.cli;

import com.fluxrouter.billing.config.Settings;
import com.fluxrouter.billing.local.Service;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "run", description = {
        "Runs the pipeline against an existing Kafka cluster until stopped (SIGTERM or Ctrl-C close it cleanly).",
        "Settings: --config FILE (Java properties), then KAFKA_* and FLUX_* environment variables, then the options.",
        "The HTTP API listens on flux.http.host:flux.http.port (default 127.0.0.1:8080)."})
final class RunCommand implements Callable<Integer> {
    @Option(names = "--bootstrap-servers", description = "Kafka bootstrap servers (or KAFKA_BOOTSTRAP_SERVERS).")
    String bootstrapServers;

    @Option(names = "--config", description = "A properties file: Kafka Streams, client and flux.* settings.")
    Path config;

    @Override
    public Integer call() throws Exception {
        Map<String, String> settings = new java.util.HashMap<>(Settings.load(config, System.getenv()));
        if (bootstrapServers != null) {
            settings.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Service service = Service.start(settings);
        System.out.println("flux-billing running; HTTP API on " + service.apiAddress());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            service.close();
            stopped.countDown();
        }, "flux-billing-shutdown"));
        stopped.await();
        return 0;
    }
}
