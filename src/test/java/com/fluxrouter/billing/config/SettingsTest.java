package com.fluxrouter.billing.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SettingsTest {
    @Test
    void kafkaAndFluxEnvironmentVariablesBecomeSettingsAndOverrideTheFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("billing.properties");
        Files.writeString(file, "bootstrap.servers=file:9092\nflux.billing.grace=PT2H\nnum.stream.threads=2\n");
        Map<String, String> settings = Settings.load(file, Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "env:9093",
                "KAFKA_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.scram.ScramLoginModule required;",
                "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "FLUX_BILLING_DEDUP__WINDOW", "P40D",
                "HOME", "/root"));
        assertThat(settings)
                .containsEntry("bootstrap.servers", "env:9093")
                .containsEntry("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required;")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("flux.billing.dedup-window", "P40D")
                .containsEntry("flux.billing.grace", "PT2H")
                .containsEntry("num.stream.threads", "2")
                .doesNotContainKey("home");
        assertThat(BillingConfig.of(settings).dedupWindow()).hasDays(40);
    }

    @Test
    void noFileMeansEnvironmentOnly() throws IOException {
        assertThat(Settings.load(null, Map.of("KAFKA_CLIENT_ID", "x"))).containsExactly(Map.entry("client.id", "x"));
    }
}
