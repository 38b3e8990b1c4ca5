package com.fluxrouter.billing.deploy;

import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.config.Settings;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether an environment variable becomes a setting something reads: KAFKA_* a Kafka Streams or client config,
 * FLUX_* a flux.* setting of BillingConfig.DEFINITION, or one log4j2.xml reads.
 */
final class KnownSettings {
    private static final Pattern LOG4J_VARIABLE = Pattern.compile("env:(FLUX_[A-Z_]+)");

    private KnownSettings() {
    }

    static String key(String variable) {
        try {
            return Settings.load(null, Map.of(variable, "x")).keySet().iterator().next();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean isKnown(String variable) {
        String key = key(variable);
        return variable.startsWith("KAFKA_") ? kafka().contains(key) : flux().contains(key);
    }

    private static Set<String> kafka() {
        Set<String> names = new HashSet<>(StreamsConfig.configDef().names());
        names.addAll(ConsumerConfig.configNames());
        names.addAll(ProducerConfig.configNames());
        names.addAll(AdminClientConfig.configNames());
        return names;
    }

    private static Set<String> flux() {
        // The one definition of the pipeline's settings: BillingConfig refuses any other flux.* key at start.
        Set<String> names = new HashSet<>(BillingConfig.DEFINITION.names());
        try {
            Matcher matcher = LOG4J_VARIABLE.matcher(Files.readString(Path.of("src/main/resources/log4j2.xml")));
            while (matcher.find()) {
                names.add(key(matcher.group(1)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names;
    }
}
