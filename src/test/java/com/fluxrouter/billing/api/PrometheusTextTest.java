package com.fluxrouter.billing.api;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PrometheusTextTest {
    @Test
    void namesAreReducedLabelValuesEscapedAndEachFamilyTypedOnce() {
        PrometheusText text = new PrometheusText();
        text.gauge("kafka_stream-thread-metrics_process.rate", Map.of("thread-id", "t\\1 \"a\"\nb"), 2.5);
        text.gauge("kafka_stream-thread-metrics_process.rate", Map.of("thread-id", "t2"), 1e12);
        text.counter("flux_billing_rejected_total", Map.of("reason", "MALFORMED"), 3);

        PrometheusExposition exposition = PrometheusExposition.parse(text.render());
        assertThat(exposition.families()).containsExactly("flux_billing_rejected_total", "kafka_stream_thread_metrics_process_rate");
        assertThat(exposition.type("kafka_stream_thread_metrics_process_rate")).isEqualTo("gauge");
        assertThat(exposition.type("flux_billing_rejected_total")).isEqualTo("counter");
        assertThat(exposition.value("kafka_stream_thread_metrics_process_rate", Map.of("thread_id", "t\\1 \"a\"\nb"))).isEqualTo(2.5);
        assertThat(exposition.value("kafka_stream_thread_metrics_process_rate", Map.of("thread_id", "t2"))).isEqualTo(1e12);
        assertThat(exposition.value("flux_billing_rejected_total", Map.of("reason", "MALFORMED"))).isEqualTo(3.0);
    }

    @Test
    void anEmptyMetricOrLabelNameBecomesAnUnderscoreInsteadOfFailingTheScrape() {
        PrometheusText text = new PrometheusText();
        text.gauge("", Map.of("", "x"), 1);

        assertThat(PrometheusText.metricName("")).isEqualTo("_");
        assertThat(PrometheusText.labelName("")).isEqualTo("_");
        assertThat(PrometheusExposition.parse(text.render()).value("_", Map.of("_", "x"))).isEqualTo(1.0);
    }

    @Test
    void twoMetricsReducedToOneSeriesAreWrittenOnceAndNaNNotAtAll() {
        PrometheusText text = new PrometheusText();
        text.gauge("kafka_a-b", Map.of("client-id", "x"), 1);
        text.gauge("kafka_a.b", Map.of("client.id", "x"), 2);
        text.gauge("kafka_idle", Map.of(), Double.NaN);
        text.gauge("kafka_max", Map.of(), Double.NEGATIVE_INFINITY);

        PrometheusExposition exposition = PrometheusExposition.parse(text.render());
        assertThat(exposition.value("kafka_a_b", Map.of("client_id", "x"))).isEqualTo(1.0);
        assertThat(exposition.families()).doesNotContain("kafka_idle");
        assertThat(exposition.value("kafka_max", Map.of())).isEqualTo(Double.NEGATIVE_INFINITY);
    }

    @Test
    void theStrictReaderRefusesWhatPrometheusWouldRefuse() {
        assertThatThrownBy(() -> PrometheusExposition.parse("# TYPE a gauge\n# TYPE a gauge\na 1\n")).hasMessageContaining("TYPE repeated");
        assertThatThrownBy(() -> PrometheusExposition.parse("a{x=\"1\"} 1\na{x=\"1\"} 2\n")).hasMessageContaining("duplicate");
        assertThatThrownBy(() -> PrometheusExposition.parse("a 1\nb 1\na{x=\"2\"} 1\n")).hasMessageContaining("split");
        assertThatThrownBy(() -> PrometheusExposition.parse("a{x=\"\\t\"} 1\n")).hasMessageContaining("escape");
        assertThatThrownBy(() -> PrometheusExposition.parse("a Infinity\n")).hasMessageContaining("bad value");
        assertThatThrownBy(() -> PrometheusExposition.parse("a-b 1\n")).hasMessageContaining("name");
        assertThatThrownBy(() -> PrometheusExposition.parse("a 1")).hasMessageContaining("line feed");
    }
}
