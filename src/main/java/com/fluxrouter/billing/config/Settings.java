package com.fluxrouter.billing.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Where settings come from, later ones winning: a properties file, then environment variables. {@code KAFKA_*}
 * variables become Kafka client and Streams settings ({@code KAFKA_SASL_JAAS_CONFIG} is {@code sasl.jaas.config},
 * {@code KAFKA_SECURITY_PROTOCOL} is {@code security.protocol}); {@code FLUX_*} variables become the pipeline's own
 * ({@code FLUX_BILLING_GRACE} is {@code flux.billing.grace}; a double underscore stands for a dash, so
 * {@code FLUX_BILLING_DEDUP__WINDOW} is {@code flux.billing.dedup-window}).
 */
public final class Settings {
    /** Read by bin/flux-billing itself (the JVM's options), not settings of the pipeline. */
    private static final Set<String> LAUNCHER_VARIABLES = Set.of("FLUX_JAVA_OPTS");

    private Settings() {
    }

    public static Map<String, String> load(Path file, Map<String, String> environment) throws IOException {
        Map<String, String> settings = new HashMap<>();
        if (file != null) {
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(file)) {
                properties.load(reader);
            }
            properties.stringPropertyNames().forEach(name -> settings.put(name, properties.getProperty(name)));
        }
        environment.forEach((name, value) -> {
            if (name.startsWith("KAFKA_")) {
                settings.put(key(name.substring("KAFKA_".length())), value);
            } else if (name.startsWith("FLUX_") && !LAUNCHER_VARIABLES.contains(name)) {
                settings.put("flux." + key(name.substring("FLUX_".length())), value);
            }
        });
        return settings;
    }

    private static String key(String variable) {
        return variable.toLowerCase(Locale.ROOT).replace("__", "-").replace('_', '.');
    }
}
