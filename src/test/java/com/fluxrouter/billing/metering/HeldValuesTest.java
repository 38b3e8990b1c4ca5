package com.fluxrouter.billing.metering;

import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.schema.SpendStatus;
import com.fluxrouter.billing.serde.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Values held as objects in front of a meter store (here the spend-status store; the account-months store is held the
 * same way): what is held is what the store holds, the least recently used beyond the capacity is decoded from the
 * store again, and a capacity of 0 holds nothing. ({@code RandomTrafficFewHeldStatusesPropertyTest} and
 * {@code RandomTrafficFewHeldMonthsPropertyTest} check what the pipeline emits with few held.)
 */
class HeldValuesTest {
    private final KeyValueStore<String, SpendStatus> store = store();

    private static KeyValueStore<String, SpendStatus> store() {
        Serdes serdes = new Serdes(BillingConfig.defaults().wireFormat());
        KeyValueStore<String, SpendStatus> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("statuses"),
                serdes.string(), serdes.internal(SpendStatus.class)).withLoggingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        return store;
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
    void aStatusPutIsWrittenToTheStoreAndReadBackWithoutDecoding() {
        HeldValues<SpendStatus> statuses = new HeldValues<>(store, 2);
        SpendStatus first = status("acct-1", "0.100000000");
        SpendStatus second = status("acct-1", "0.250000000");

        statuses.put("acct-1", first);
        statuses.put("acct-1", second);

        assertThat(statuses.get("acct-1")).isSameAs(second);
        assertThat(store.get("acct-1")).isEqualTo(second).isNotSameAs(second);
    }

    @Test
    void aStatusOnlyInTheStoreIsDecodedOnceThenHeld() {
        SpendStatus stored = status("acct-1", "1.000000000");
        store.put("acct-1", stored);
        HeldValues<SpendStatus> statuses = new HeldValues<>(store, 2);

        SpendStatus read = statuses.get("acct-1");

        assertThat(read).isEqualTo(stored).isNotSameAs(stored);
        assertThat(statuses.get("acct-1")).isSameAs(read);
        assertThat(statuses.get("acct-unknown")).isNull();
    }

    @Test
    void theLeastRecentlyUsedBeyondTheCapacityIsDecodedFromTheStoreAgain() {
        HeldValues<SpendStatus> statuses = new HeldValues<>(store, 2);
        SpendStatus a = status("acct-a", "0.100000000");
        SpendStatus b = status("acct-b", "0.200000000");
        SpendStatus c = status("acct-c", "0.300000000");
        statuses.put("acct-a", a);
        statuses.put("acct-b", b);
        statuses.get("acct-a");

        statuses.put("acct-c", c);

        assertThat(statuses.get("acct-a")).isSameAs(a);
        assertThat(statuses.get("acct-c")).isSameAs(c);
        assertThat(statuses.get("acct-b")).isEqualTo(b).isNotSameAs(b);
    }

    @Test
    void withNoCapacityEveryReadDecodesFromTheStore() {
        HeldValues<SpendStatus> statuses = new HeldValues<>(store, 0);
        SpendStatus a = status("acct-a", "0.100000000");

        statuses.put("acct-a", a);

        SpendStatus first = statuses.get("acct-a");
        assertThat(first).isEqualTo(a).isNotSameAs(a);
        assertThat(statuses.get("acct-a")).isEqualTo(a).isNotSameAs(first);
    }

    @Test
    void aDeletedKeyIsGoneFromTheStoreAndFromWhatIsHeld() {
        HeldValues<SpendStatus> statuses = new HeldValues<>(store, 2);
        statuses.put("acct-a", status("acct-a", "0.100000000"));

        statuses.delete("acct-a");

        assertThat(store.get("acct-a")).isNull();
        assertThat(statuses.get("acct-a")).isNull();
    }
}
