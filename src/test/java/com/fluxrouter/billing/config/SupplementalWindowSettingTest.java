package com.fluxrouter.billing.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Rule 11's setting: how long late requests gather into one supplemental set, on the billing clock. */
class SupplementalWindowSettingTest {
    @Test
    void theWindowIsOneHourUnlessSetAndZeroIsAllowed() {
        assertThat(BillingConfig.defaults().supplementalWindow()).isEqualTo(Duration.ofHours(1));
        assertThat(BillingConfig.of(Map.of("flux.billing.supplemental-window", "PT15M")).supplementalWindow())
                .isEqualTo(Duration.ofMinutes(15));
        assertThat(BillingConfig.of(Map.of("flux.billing.supplemental-window", "PT0S")).supplementalWindow()).isZero();
    }

    @Test
    void aNegativeWindowIsRefusedNamingTheSetting() {
        assertThatThrownBy(() -> BillingConfig.of(Map.of("flux.billing.supplemental-window", "-PT1M")))
                .isInstanceOf(org.apache.kafka.common.config.ConfigException.class).hasMessageContaining("flux.billing.supplemental-window");
    }
}
