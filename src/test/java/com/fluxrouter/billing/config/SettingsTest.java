package com.fluxrouter.billing.config;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

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
    void scramAndTlsClientSettingsPassThroughFromTheEnvironment() throws IOException {
        String jaas = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"flux\" password=\"s3cr=t;\";";
        Map<String, String> settings = Settings.load(null, Map.of(
                "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                "KAFKA_SASL_JAAS_CONFIG", jaas,
                "KAFKA_SSL_TRUSTSTORE_TYPE", "PEM",
                "KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/flux-billing/kafka-ca/ca.crt",
                "KAFKA_SSL_ENDPOINT_IDENTIFICATION_ALGORITHM", "https",
                "KAFKA_SSL_KEYSTORE_PASSWORD", "k",
                "FLUX_HTTP_TOKEN", "operator-token",
                "FLUX_HTTP_ADVERTISED__HOST", "flux-billing-0.flux-billing-headless.billing.svc"));
        assertThat(settings)
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("sasl.jaas.config", jaas)
                .containsEntry("ssl.truststore.type", "PEM")
                .containsEntry("ssl.truststore.location", "/etc/flux-billing/kafka-ca/ca.crt")
                .containsEntry("ssl.endpoint.identification.algorithm", "https")
                .containsEntry("ssl.keystore.password", "k")
                .containsEntry("flux.http.token", "operator-token")
                .containsEntry("flux.http.advertised-host", "flux-billing-0.flux-billing-headless.billing.svc");
        // Every key is one the Kafka clients know, so it reaches the consumers, producers and admin of the pipeline.
        Set<String> clientConfigs = new HashSet<>(ConsumerConfig.configNames());
        clientConfigs.addAll(ProducerConfig.configNames());
        settings.keySet().stream().filter(key -> !key.startsWith("flux."))
                .forEach(key -> assertThat(clientConfigs).as(key).contains(key));
    }

    @Test
    void theLaunchersOwnJavaOptionsAreNoSettingOfThePipeline() throws IOException {
        Map<String, String> settings = Settings.load(null, Map.of("FLUX_JAVA_OPTS", "-Xmx512m", "FLUX_BILLING_GRACE", "PT2H"));
        assertThat(settings).containsExactly(Map.entry("flux.billing.grace", "PT2H"));
        assertThat(BillingConfig.of(settings).grace()).isEqualTo(java.time.Duration.ofHours(2));
    }

    @Test
    void noFileMeansEnvironmentOnly() throws IOException {
        assertThat(Settings.load(null, Map.of("KAFKA_CLIENT_ID", "x"))).containsExactly(Map.entry("client.id", "x"));
    }
}
