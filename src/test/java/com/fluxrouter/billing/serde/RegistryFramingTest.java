package com.fluxrouter.billing.serde;

import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.errors.Rejections;
import com.fluxrouter.billing.schema.AccountMonthKey;
import com.fluxrouter.billing.schema.OverageUpdate;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RegistryFramingTest {
    @Test
    void theHeaderIsMagicZeroThenTheIdBigEndian() {
        assertThat(RegistryFraming.header(0x01020304)).containsExactly(0, 1, 2, 3, 4);
        assertThat(RegistryFraming.header(7)).containsExactly(0, 0, 0, 0, 7);
    }

    @Test
    void theIdIsReadBackFromAFramedRecord() {
        byte[] framed = {0, 0, 1, 0, 2, 42, 43};
        assertThat(RegistryFraming.schemaId(framed)).isEqualTo(65_538);
        assertThat(RegistryFraming.schemaId(RegistryFraming.header(Integer.MAX_VALUE))).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void bytesWithoutTheMagicByteOrTooShortAreNotInTheFormat() {
        assertThatThrownBy(() -> RegistryFraming.schemaId(new byte[] {(byte) 0xC3, 0x01, 0, 0, 0, 0}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("first byte is 195");
        assertThatThrownBy(() -> RegistryFraming.schemaId(new byte[] {0, 0, 1}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("3 bytes");
    }

    @Test
    void subjectsFollowTheTopicNameStrategy() {
        assertThat(Subjects.of("flux.usage.overage", true)).isEqualTo("flux.usage.overage-key");
        assertThat(Subjects.of("flux.usage.overage", false)).isEqualTo("flux.usage.overage-value");
        assertThat(Serdes.KEY_TYPES).contains(AccountMonthKey.class).doesNotContain(OverageUpdate.class);
    }

    @Test
    void theRegistryFormatNeedsTheRegistryUrl() {
        assertThatThrownBy(() -> BillingConfig.of(Map.of(BillingConfig.WIRE_FORMAT, "registry")))
                .hasMessageContaining(BillingConfig.SCHEMA_REGISTRY_URL);
        assertThatThrownBy(() -> new Serdes(WireFormat.REGISTRY)).isInstanceOf(IllegalArgumentException.class);
        assertThat(BillingConfig.of(Map.of(BillingConfig.WIRE_FORMAT, "registry",
                BillingConfig.SCHEMA_REGISTRY_URL, "http://registry:8081")).autoRegister()).isTrue();
    }

    @Test
    void anUnreachableRegistryIsRetriedNotRejected() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Serdes serdes = Serdes.of(BillingConfig.of(Map.of(BillingConfig.WIRE_FORMAT, "registry",
                BillingConfig.SCHEMA_REGISTRY_URL, "http://127.0.0.1:" + closedPort,
                BillingConfig.SCHEMA_REGISTRY_TIMEOUT, "PT2S")));

        assertThatThrownBy(() -> serdes.avro(OverageUpdate.class).deserializer()
                .deserialize("flux.usage.overage", RegistryFraming.header(1)))
                .isInstanceOf(RegistryUnavailableException.class)
                .isNotInstanceOf(SerializationException.class)
                .satisfies(failure -> assertThat(Rejections.registryUnavailable(failure)).isTrue());
        assertThat(Rejections.registryUnavailable(new SerializationException("bad bytes"))).isFalse();
    }
}
