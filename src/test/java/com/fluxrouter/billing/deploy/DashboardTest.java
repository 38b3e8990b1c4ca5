package com.fluxrouter.billing.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Which metrics the panels query is checked against a real run's /metrics in TwoInstancesIT. */
class DashboardTest {
    @Test
    void panelsCoverThroughputLagRejectionsOverageAndAlerts() {
        List<String> titles = new ArrayList<>();
        Dashboard.json().path("panels").forEach(panel -> titles.add(panel.path("title").asText().toLowerCase()));
        assertThat(titles).anyMatch(t -> t.contains("throughput")).anyMatch(t -> t.contains("lag"))
                .anyMatch(t -> t.contains("rejected")).anyMatch(t -> t.contains("overage")).anyMatch(t -> t.contains("alerts"))
                .anyMatch(t -> t.contains("thread replacements"));
        assertThat(Dashboard.metricNames()).contains("flux_billing_rejected_total", "flux_billing_overage_updates_total",
                "flux_billing_alerts_total", "flux_billing_stream_thread_replacements_total",
                "kafka_consumer_fetch_manager_records_lag");
    }

    @Test
    void everyQueryNamesAPipelineMetricAndUsesTheDatasourceVariable() {
        for (JsonNode panel : Dashboard.json().path("panels")) {
            assertThat(panel.path("datasource").path("uid").asText()).isEqualTo("${datasource}");
            assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty();
        }
        for (String expression : Dashboard.expressions()) {
            assertThat(expression).containsPattern("\\b(kafka|flux_billing)_[a-z0-9_]+");
            // Counters are rated, never queried raw: a restart starts them from zero.
            if (expression.matches(".*\\bflux_billing_.*")) {
                assertThat(expression).containsPattern("(rate|increase)\\(flux_billing_[a-z_]+_total\\[");
            }
        }
    }
}
