package com.fluxrouter.billing.serde;

import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.errors.Rejections;
import com.fluxrouter.billing.schema.OverageUpdate;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Which registry answers condemn the record being read (rejected MALFORMED) and which are the registry's trouble
 * (the thread fails and the record is read again): only "schema not found" (error code 40403) is the record's.
 */
class RegistryAnswersTest {
    private static final String TOPIC = "flux.usage.overage";

    private FakeRegistry registry;
    private Serdes serdes;

    @BeforeEach
    void start() throws Exception {
        registry = new FakeRegistry();
        serdes = Serdes.of(BillingConfig.of(Map.of(BillingConfig.WIRE_FORMAT, "registry",
                BillingConfig.SCHEMA_REGISTRY_URL, registry.url())));
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    @Test
    void anIdTheRegistrySaysItDoesNotHaveMakesTheRecordMalformed() {
        registry.answerEverythingWith(404, "{\"error_code\":40403,\"message\":\"Schema 7 not found\"}");

        assertThatThrownBy(() -> read(7))
                .isInstanceOf(UnknownSchemaIdException.class)
                .isInstanceOf(SerializationException.class)
                .satisfies(failure -> assertThat(Rejections.registryUnavailable(failure)).isFalse());
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
            "404|{\"error_code\":404,\"message\":\"HTTP 404 Not Found\"}",
            "404|<html>no such path</html>",
            "404|{\"error_code\":40401,\"message\":\"Subject not found\"}",
            "401|{\"error_code\":401,\"message\":\"Unauthorized\"}",
            "403|{\"error_code\":40301,\"message\":\"Forbidden\"}",
            "408|",
            "429|",
            "500|{\"error_code\":50001,\"message\":\"Error in the backend datastore\"}",
            "502|<html>bad gateway</html>",
            "503|"})
    void answersThatAreNotAboutTheIdMakeTheRegistryUnavailableNotTheRecordMalformed(int status, String body) {
        registry.answerEverythingWith(status, body == null ? "" : body);

        assertThatThrownBy(() -> read(7))
                .isInstanceOf(RegistryUnavailableException.class)
                .isNotInstanceOf(SerializationException.class)
                .satisfies(failure -> assertThat(Rejections.registryUnavailable(failure)).isTrue());
    }

    @Test
    void aRefusedCredentialWhileWritingIsTheRegistrysTroubleToo() {
        registry.answerEverythingWith(401, "{\"error_code\":401,\"message\":\"Unauthorized\"}");

        assertThatThrownBy(() -> serdes.avro(OverageUpdate.class).serializer().serialize(TOPIC, sampleOverage()))
                .isInstanceOf(RegistryUnavailableException.class);
    }

    private Object read(int id) {
        return serdes.avro(OverageUpdate.class).deserializer().deserialize(TOPIC, RegistryFraming.header(id));
    }

    private static OverageUpdate sampleOverage() {
        return OverageUpdate.newBuilder().setAccountId("acct-1").setBillingMonth("2026-11")
                .setUsageUsd(new java.math.BigDecimal("1.000000000"))
                .setIncludedCreditUsd(new java.math.BigDecimal("1.000000000"))
                .setSpendCeilingUsd(null)
                .setOverageUsd(new java.math.BigDecimal("0E-9"))
                .setOverageDeltaUsd(new java.math.BigDecimal("0E-9"))
                .setAsOf(java.time.Instant.parse("2026-11-27T00:00:00Z")).build();
    }
}
