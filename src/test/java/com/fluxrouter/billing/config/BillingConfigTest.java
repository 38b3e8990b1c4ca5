package com.fluxrouter.billing.config;

import com.fluxrouter.billing.api.ApiAccess;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BillingConfigTest {
    @Test
    void anUnknownFluxKeyIsRefusedWithTheListOfKnownOnes() {
        assertThatThrownBy(() -> BillingConfig.of(Map.of("flux.state.changelog", "false")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown setting flux.state.changelog ")
                .hasMessageContaining("the known flux.* settings are: ")
                .hasMessageContaining(BillingConfig.STATE_CHANGELOGS + ",")
                .hasMessageContaining(BillingConfig.DEDUP_WINDOW + ",")
                .hasMessageContaining(BillingConfig.UNSAFE_ALLOW);
    }

    @Test
    void keysOutsideFluxArePassedOnUnchecked() {
        BillingConfig config = BillingConfig.of(Map.of("num.stream.threads", "2", "no.such.kafka.key", "x"));
        assertThat(config.settings()).containsEntry("num.stream.threads", "2").containsEntry("no.such.kafka.key", "x");
    }

    @Test
    void aMetricsRefreshIntervalUnderASecondIsRefused() {
        // Half a millisecond would be a zero-period timer at start; a millisecond would re-read every metric nonstop.
        for (String tooShort : new String[] {"PT0.0005S", "PT0.001S", "PT0.999S"}) {
            assertThatThrownBy(() -> BillingConfig.of(Map.of(BillingConfig.METRICS_REFRESH_INTERVAL, tooShort)))
                    .as(tooShort).hasMessageContaining(BillingConfig.METRICS_REFRESH_INTERVAL)
                    .hasMessageContaining("must be at least PT1S");
        }
        assertThat(BillingConfig.of(Map.of(BillingConfig.METRICS_REFRESH_INTERVAL, "PT1S")).metricsRefreshInterval())
                .isEqualTo(java.time.Duration.ofSeconds(1));
        assertThat(BillingConfig.defaults().metricsRefreshInterval()).isEqualTo(java.time.Duration.ofMinutes(1));
    }

    @Test
    void aMisspelledBooleanIsRefusedNamingItsKey() {
        assertThatThrownBy(() -> BillingConfig.of(Map.of(BillingConfig.STATE_CHANGELOGS, "ture")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(BillingConfig.STATE_CHANGELOGS).hasMessageContaining("ture");
        assertThatThrownBy(() -> BillingConfig.of(Map.of(BillingConfig.UNSAFE_ALLOW, "yes")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(BillingConfig.UNSAFE_ALLOW);
        assertThat(BillingConfig.of(Map.of(BillingConfig.STATE_CHANGELOGS, "false")).changelogs()).isFalse();
    }

    @Test
    void aDurationThatIsNotIso8601IsRefusedNamingItsKey() {
        assertThatThrownBy(() -> BillingConfig.of(Map.of(BillingConfig.GRACE, "24h")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(BillingConfig.GRACE).hasMessageContaining("24h").hasMessageContaining("ISO-8601");
    }

    @Test
    void aZeroOrNegativeDeduplicationWindowIsRefused() {
        assertThatThrownBy(() -> BillingConfig.of(Map.of(BillingConfig.DEDUP_WINDOW, "PT0S")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(BillingConfig.DEDUP_WINDOW)
                .hasMessageContaining("positive");
        assertThatThrownBy(() -> BillingConfig.of(Map.of(BillingConfig.GRACE, "-PT1H")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(BillingConfig.GRACE);
        assertThat(BillingConfig.of(Map.of(BillingConfig.GRACE, "PT0S")).grace()).isZero();
    }

    @Test
    void numbersAndChoicesAreCheckedNamingTheirKey() {
        assertThatThrownBy(() -> BillingConfig.of(Map.of(BillingConfig.HTTP_PORT, "70000")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(BillingConfig.HTTP_PORT);
        assertThatThrownBy(() -> BillingConfig.of(Map.of(BillingConfig.HTTP_STATUS_MAX_LAG, "-1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(BillingConfig.HTTP_STATUS_MAX_LAG);
        assertThatThrownBy(() -> BillingConfig.of(Map.of(BillingConfig.STATE_STORES, "in-memroy")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(BillingConfig.STATE_STORES);
        assertThatThrownBy(() -> BillingConfig.of(Map.of(BillingConfig.EARLIEST_VALID_TIME, "2020-01-01")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(BillingConfig.EARLIEST_VALID_TIME);
    }

    @Test
    void defaultsAreTheBillingRulesDefaults() {
        BillingConfig config = BillingConfig.defaults();
        assertThat(config.grace()).isEqualTo(Duration.ofHours(24));
        assertThat(config.dedupWindow()).isEqualTo(Duration.ofDays(35));
        assertThat(config.changelogs()).isTrue();
        assertThat(config.storeKind()).isEqualTo(BillingConfig.StoreKind.ROCKSDB);
        assertThat(config.unsafeAllowed()).isFalse();
        assertThat(config.healthMaxThreadReplacements()).isEqualTo(5);
        assertThat(config.healthReplacementWindow()).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.httpHost()).isEqualTo("127.0.0.1");
        assertThat(config.httpPort()).isEqualTo(8080);
        assertThat(config.readyMaxLag()).isEqualTo(10_000L);
        assertThat(config.statusMaxLag()).isEqualTo(100L);
    }

    @Test
    void givenValuesAreParsed() {
        BillingConfig config = BillingConfig.of(Map.of(
                BillingConfig.HEALTH_MAX_THREAD_REPLACEMENTS, "3",
                BillingConfig.HEALTH_REPLACEMENT_WINDOW, "PT2M",
                BillingConfig.STATE_STORES, "in_memory",
                BillingConfig.HTTP_READY_MAX_LAG, "7",
                BillingConfig.HTTP_STATUS_MAX_LAG, "0"));
        assertThat(config.healthMaxThreadReplacements()).isEqualTo(3);
        assertThat(config.healthReplacementWindow()).isEqualTo(Duration.ofMinutes(2));
        assertThat(config.storeKind()).isEqualTo(BillingConfig.StoreKind.IN_MEMORY);
        assertThat(config.readyMaxLag()).isEqualTo(7L);
        assertThat(config.statusMaxLag()).isZero();
    }

    @Test
    void theApiTokenSettingsAreDefinedUnderTheNamesTheApiReads() {
        assertThat(BillingConfig.DEFINITION.names()).contains(ApiAccess.TOKEN, ApiAccess.ACCOUNT_TOKENS);
    }
}
