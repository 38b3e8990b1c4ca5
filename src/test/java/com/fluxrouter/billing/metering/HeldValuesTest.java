package com.fluxrouter.billing.metering;

import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.schema.SpendStatus;
import com.fluxrouter.billing.serde.Serdes;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Values held as objects in front of a meter store (here the spend-status store; the account-months store is held the
 * same way): what is held is what the store holds, a value is held from its second read on and a write only refreshes
 * a held one (a write the store refuses leaves the held value as the store has it), a new value finding the capacity
 * full lets go of the least recently used, and a capacity of 0 holds nothing. ({@code RandomTrafficFewHeldStatusesPropertyTest}
 * and {@code RandomTrafficFewHeldMonthsPropertyTest} check what the pipeline emits with few held.)
 */
class HeldValuesTest {
    private static final Serdes SERDES = new Serdes(BillingConfig.defaults().wireFormat());
    /** The usage of a status the refusing store cannot write. */
    private static final BigDecimal REFUSED_USAGE = new BigDecimal("9.990000000");

    private final KeyValueStore<String, SpendStatus> store = store(SERDES.internal(SpendStatus.class));

    private static KeyValueStore<String, SpendStatus> store(Serde<SpendStatus> values) {
        KeyValueStore<String, SpendStatus> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("statuses"),
                SERDES.string(), values).withLoggingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        return store;
    }

    /** A store whose writes of a status with {@link #REFUSED_USAGE} fail, as a serializer or the store can. */
    private static KeyValueStore<String, SpendStatus> refusingStore() {
        Serde<SpendStatus> statuses = SERDES.internal(SpendStatus.class);
        Serializer<SpendStatus> refusing = (topic, status) -> {
            if (status.getUsageUsd().compareTo(REFUSED_USAGE) == 0) {
                throw new SerializationException("refused by the test's store");
            }
            return statuses.serializer().serialize(topic, status);
        };
        return store(org.apache.kafka.common.serialization.Serdes.serdeFrom(refusing, statuses.deserializer()));
    }

    private static SpendStatus status(String account, String usage) {
        return SpendStatus.newBuilder().setAccountId(account).setBillingMonth("2026-09").setStatus("ACTIVE")
                .setUsageUsd(new BigDecimal(usage)).setIncludedCreditUsd(new BigDecimal("5.000000000"))
                .setCreditRemainingUsd(new BigDecimal("5.000000000").subtract(new BigDecimal(usage)))
                .setSpendCeilingUsd(null).setRemainingUsd(null)
                .setPeriodStart(Instant.parse("2026-09-01T00:00:00Z")).setPeriodEnd(Instant.parse("2026-10-01T00:00:00Z"))
                .setProjectedUsageUsd(null).setReason("USAGE").setAsOf(Instant.parse("2026-09-10T12:00:00Z")).build();
    }

    @Test
    void aStatusReadOnceIsDecodedFromTheStoreAndNotHeld() {
        HeldValues<SpendStatus> statuses = new HeldValues<>(store, 2);
        SpendStatus first = status("acct-1", "0.100000000");
        assertThat(statuses.get("acct-1")).isNull();

        statuses.put("acct-1", first);

        assertThat(store.get("acct-1")).isEqualTo(first).isNotSameAs(first);
        assertThat(statuses.get("acct-1")).as("written, not held").isEqualTo(first).isNotSameAs(first);
    }

    @Test
    void aStatusReadASecondTimeIsHeldAndAPutRefreshesIt() {
        SpendStatus stored = status("acct-1", "1.000000000");
        store.put("acct-1", stored);
        HeldValues<SpendStatus> statuses = new HeldValues<>(store, 2);

        SpendStatus once = statuses.get("acct-1");
        SpendStatus twice = statuses.get("acct-1");

        assertThat(once).isEqualTo(stored).isNotSameAs(stored);
        assertThat(twice).isEqualTo(stored).isNotSameAs(once);
        assertThat(statuses.get("acct-1")).as("held since its second read").isSameAs(twice);
        SpendStatus next = status("acct-1", "1.500000000");
        statuses.put("acct-1", next);
        assertThat(statuses.get("acct-1")).isSameAs(next);
        assertThat(store.get("acct-1")).isEqualTo(next);
        assertThat(statuses.get("acct-unknown")).isNull();
        assertThat(statuses.get("acct-unknown")).as("none held for a key the store lacks").isNull();
    }

    @Test
    void aNewKeyFindingTheCapacityFullLetsGoOfTheLeastRecentlyUsed() {
        SpendStatus a = status("acct-a", "0.100000000");
        SpendStatus b = status("acct-b", "0.200000000");
        SpendStatus c = status("acct-c", "0.300000000");
        store.put("acct-a", a);
        store.put("acct-b", b);
        store.put("acct-c", c);
        HeldValues<SpendStatus> statuses = new HeldValues<>(store, 2);
        SpendStatus heldA = readTwice(statuses, "acct-a");
        SpendStatus heldB = readTwice(statuses, "acct-b");
        assertThat(statuses.get("acct-b")).isSameAs(heldB);
        assertThat(statuses.get("acct-a")).isSameAs(heldA);

        SpendStatus heldC = readTwice(statuses, "acct-c");

        assertThat(statuses.get("acct-c")).isSameAs(heldC);
        assertThat(statuses.get("acct-a")).as("read after b").isSameAs(heldA);
        assertThat(statuses.get("acct-b")).as("the least recently used").isEqualTo(b).isNotSameAs(heldB);
    }

    private static SpendStatus readTwice(HeldValues<SpendStatus> statuses, String key) {
        statuses.get(key);
        return statuses.get(key);
    }

    @Test
    void aPutTheStoreRefusesLeavesTheHeldValueThatOfTheStore() {
        KeyValueStore<String, SpendStatus> refusing = refusingStore();
        SpendStatus stored = status("acct-1", "1.000000000");
        refusing.put("acct-1", stored);
        HeldValues<SpendStatus> statuses = new HeldValues<>(refusing, 2);
        SpendStatus held = readTwice(statuses, "acct-1");
        assertThat(statuses.get("acct-1")).isSameAs(held);

        assertThatThrownBy(() -> statuses.put("acct-1", status("acct-1", REFUSED_USAGE.toPlainString())))
                .hasStackTraceContaining("refused by the test's store");

        assertThat(refusing.get("acct-1")).isEqualTo(stored);
        assertThat(statuses.get("acct-1")).isSameAs(held);
    }

    @Test
    void withNoCapacityEveryReadDecodesFromTheStore() {
        HeldValues<SpendStatus> statuses = new HeldValues<>(store, 0);
        SpendStatus a = status("acct-a", "0.100000000");

        statuses.put("acct-a", a);

        SpendStatus first = statuses.get("acct-a");
        assertThat(first).isEqualTo(a).isNotSameAs(a);
        SpendStatus second = statuses.get("acct-a");
        assertThat(second).isEqualTo(a).isNotSameAs(first);
        assertThat(statuses.get("acct-a")).isEqualTo(a).isNotSameAs(second);
    }

    @Test
    void aDeletedKeyIsGoneFromTheStoreAndFromWhatIsHeld() {
        store.put("acct-a", status("acct-a", "0.100000000"));
        HeldValues<SpendStatus> statuses = new HeldValues<>(store, 2);
        SpendStatus held = readTwice(statuses, "acct-a");
        assertThat(statuses.get("acct-a")).isSameAs(held);

        statuses.delete("acct-a");

        assertThat(store.get("acct-a")).isNull();
        assertThat(statuses.get("acct-a")).isNull();
    }
}
