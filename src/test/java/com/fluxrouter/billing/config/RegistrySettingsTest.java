package com.fluxrouter.billing.config;

import com.fluxrouter.billing.serde.WireFormat;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RegistrySettingsTest {
    @Test
    void theRegistrySettingsComeFromFluxEnvironmentVariables() throws Exception {
        BillingConfig config = BillingConfig.of(Settings.load(null, Map.of(
                "FLUX_SERDE_FORMAT", "registry",
                "FLUX_SCHEMA__REGISTRY_URL", "http://registry:8081",
                "FLUX_SCHEMA__REGISTRY_AUTO__REGISTER", "false",
                "FLUX_SCHEMA__REGISTRY_BASIC__AUTH__USER__INFO", "billing:secret")));

        assertThat(config.wireFormat()).isEqualTo(WireFormat.REGISTRY);
        assertThat(config.schemaRegistryUrl()).isEqualTo("http://registry:8081");
        assertThat(config.autoRegister()).isFalse();
        assertThat(config.schemaRegistryUserInfo()).isEqualTo("billing:secret");
        assertThat(config.schemaRegistryTimeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void singleObjectStaysTheDefaultAndNeedsNoRegistry() {
        assertThat(BillingConfig.defaults().wireFormat()).isEqualTo(WireFormat.SINGLE_OBJECT);
    }

    @Test
    void autoRegisterMustBeABoolean() {
        assertThatThrownBy(() -> BillingConfig.of(Map.of(BillingConfig.SCHEMA_REGISTRY_AUTO_REGISTER, "no")))
                .hasMessageContaining(BillingConfig.SCHEMA_REGISTRY_AUTO_REGISTER);
    }
}
