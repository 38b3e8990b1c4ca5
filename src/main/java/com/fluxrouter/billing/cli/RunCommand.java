package com.fluxrouter.billing.cli;

import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.config.Settings;
import com.fluxrouter.billing.local.Pipeline;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "run", description = {
        "Runs the pipeline against an existing Kafka cluster until stopped (SIGTERM or Ctrl-C close it cleanly).",
        "Settings: --config FILE (Java properties), then KAFKA_* and FLUX_* environment variables, then the options."})
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
        Pipeline pipeline = new Pipeline(BillingConfig.of(settings)).start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            pipeline.close();
            stopped.countDown();
        }, "flux-billing-shutdown"));
        stopped.await();
        return 0;
    }
}
