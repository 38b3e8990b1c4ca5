package com.fluxrouter.billing.local;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServiceTest {
    @Test
    void aWildcardListenerNeedsTheAddressOtherInstancesReachItAt() {
        assertThatThrownBy(() -> Service.start(Map.of(Service.HTTP_HOST, "0.0.0.0", Service.HTTP_PORT, "0")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(Service.HTTP_ADVERTISED_HOST);
    }
}
