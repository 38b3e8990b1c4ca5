package com.fluxrouter.billing.observability;

import com.fluxrouter.billing.alerts.Alert;
import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.errors.Reason;
import com.fluxrouter.billing.topology.BillingTopology;
import com.fluxrouter.billing.topology.StreamsSettings;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

class PipelineMetersTest {
    @TempDir
    Path state;

    /** A Kafka Streams client of the production topology, created (its clients and their metrics exist), never started. */
    private KafkaStreams createdClient(PipelineMeters meters) {
        Properties properties = new Properties();
        properties.putAll(StreamsSettings.of(BillingConfig.defaults()));
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
        properties.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
        properties.put(PipelineMeters.CONFIG_KEY, meters);
        return new KafkaStreams(BillingTopology.build(BillingConfig.defaults()), properties);
    }

    @Test
    void theExpositionPassesPromtoolWithKafkaJvmAndPipelineMetersInIt() throws Exception {
        try (PipelineMeters meters = PipelineMeters.prometheus()) {
            KafkaStreams streams = createdClient(meters);
            try {
                meters.bind(streams, BillingConfig.defaults().metricsRefreshInterval());
                meters.rejected(Reason.MALFORMED);
                meters.rejected(Reason.MALFORMED);
                meters.alertFired(Alert.CREDIT_80);
                meters.overageUpdated();
                meters.threadReplaced();
                String text = meters.scrape();

                Promtool.Check check = Promtool.check(text);
                assertThat(check.parsed()).as(check.output()).isTrue();
                assertThat(check.problemsOf("flux_")).as("lint of the pipeline's own names").isEmpty();

                assertThat(Exposition.type(text, "flux_billing_rejected_total")).isEqualTo("counter");
                assertThat(Exposition.samples(text, "flux_billing_rejected_total"))
                        .containsEntry("{reason=\"MALFORMED\"}", 2.0)
                        .containsEntry("{reason=\"UNKNOWN_MODEL\"}", 0.0)
                        .hasSize(Reason.values().length);
                assertThat(Exposition.samples(text, "flux_billing_alerts_total"))
                        .containsEntry("{alert=\"CREDIT_80\"}", 1.0).containsEntry("{alert=\"CREDIT_50\"}", 0.0)
                        .hasSize(Alert.values().length);
                assertThat(Exposition.samples(text, "flux_billing_overage_updates_total")).containsExactly(Map.entry("", 1.0));
                assertThat(Exposition.samples(text, "flux_billing_stream_thread_replacements_total"))
                        .containsExactly(Map.entry("", 1.0));
                // Kafka's own: a *-total as a counter, a rate as a gauge, tagged by thread; the JVM binders.
                assertThat(Exposition.type(text, "kafka_stream_thread_process_total")).isEqualTo("counter");
                assertThat(Exposition.type(text, "kafka_stream_thread_process_rate")).isEqualTo("gauge");
                assertThat(Exposition.samples(text, "kafka_stream_thread_process_total").keySet())
                        .allMatch(labels -> labels.contains("thread_id=\"")).isNotEmpty();
                assertThat(Exposition.type(text, "jvm_memory_used_bytes")).isEqualTo("gauge");
                assertThat(Exposition.type(text, "jvm_threads_live_threads")).isEqualTo("gauge");
                assertThat(Exposition.type(text, "process_cpu_usage")).isEqualTo("gauge");
                assertThat(Exposition.type(text, "process_uptime_seconds")).isEqualTo("gauge");
                assertThat(Exposition.type(text, "jvm_classes_loaded_classes")).isEqualTo("gauge");
                assertThat(text).contains("# HELP flux_billing_rejected_total").contains("counts attempts");
            } finally {
                streams.close();
            }
        }
    }

    @Test
    void twoInstancesCountApart() {
        try (PipelineMeters first = PipelineMeters.prometheus(); PipelineMeters second = PipelineMeters.prometheus()) {
            first.rejected(Reason.TOO_LATE);
            assertThat(Exposition.samples(first.scrape(), "flux_billing_rejected_total")).containsEntry("{reason=\"TOO_LATE\"}", 1.0);
            assertThat(Exposition.samples(second.scrape(), "flux_billing_rejected_total")).containsEntry("{reason=\"TOO_LATE\"}", 0.0);
        }
    }

    @Test
    void codeKafkaStreamsInstantiatesFindsThePipelinesMetersInItsConfigs() {
        PipelineMeters meters = PipelineMeters.unread();
        assertThat(PipelineMeters.from(Map.of(PipelineMeters.CONFIG_KEY, meters))).isSameAs(meters);
        assertThat(PipelineMeters.from(Map.of())).as("TopologyTestDriver, replay").isNotNull().isNotSameAs(meters);
    }
}
