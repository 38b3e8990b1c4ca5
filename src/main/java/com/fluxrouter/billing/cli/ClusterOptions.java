package com.fluxrouter.billing.cli;

import com.fluxrouter.billing.config.Settings;
import com.fluxrouter.billing.topology.StreamsSettings;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Where a command finds its cluster: a properties file, KAFKA_* and FLUX_* variables, then the options. */
final class ClusterOptions {
    @Option(names = "--bootstrap-servers", description = "Kafka bootstrap servers (or KAFKA_BOOTSTRAP_SERVERS).")
    String bootstrapServers;

    @Option(names = "--config", description = "A properties file: Kafka client, Streams and flux.* settings.")
    Path config;

    Map<String, String> settings() throws IOException {
        Map<String, String> settings = new HashMap<>(Settings.load(config, System.getenv()));
        if (bootstrapServers != null) {
            settings.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        }
        return settings;
    }

    /**
     * Only the Kafka client settings (no flux.*).
     *
     * @throws org.apache.kafka.common.config.ConfigException when no cluster is given, which the launcher reports as
     *                                                        one line (exit 2) rather than the admin client's trace
     */
    Map<String, String> clientSettings() throws IOException {
        Map<String, String> clients = new HashMap<>();
        settings().forEach((key, value) -> {
            if (!key.startsWith("flux.")) {
                clients.put(key, value);
            }
        });
        StreamsSettings.requireBootstrap(new HashMap<>(clients));
        return clients;
    }
}
