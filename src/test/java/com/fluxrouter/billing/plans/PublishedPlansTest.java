package com.fluxrouter.billing.plans;

import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.schema.AccountPlan;
import com.fluxrouter.billing.schema.state.PlanHistory;
import com.fluxrouter.billing.schema.state.PlanPublications;
import com.fluxrouter.billing.serde.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The tasks' readers of the plan-publications store: a cached reader gives what the store held when it last read the
 * account for the second time, until the global processor reports a change (also one landing while it reads); an
 * account read once is not held; a new account finding the capacity full lets go of the least recently used; a capacity of 0
 * reads the store every time. ({@code ProductionOrderBehaviourTest} and the plan-change tests check what the pipeline
 * bills with it.)
 */
class PublishedPlansTest {
    private static final long T1 = Instant.parse("2026-09-01T00:00:00Z").toEpochMilli();
    private static final long T2 = Instant.parse("2026-09-15T00:00:00Z").toEpochMilli();
    private static final long LATER = Instant.parse("2026-09-20T00:00:00Z").toEpochMilli();

    private final KeyValueStore<String, PlanPublications> store = store();
    private final PublishedPlans published = new PublishedPlans();

    private static KeyValueStore<String, PlanPublications> store() {
        Serdes serdes = new Serdes(BillingConfig.defaults().wireFormat());
        KeyValueStore<String, PlanPublications> store = Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore("publications"), serdes.string(),
                serdes.internal(PlanPublications.class)).withLoggingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        return store;
    }

    private static AccountPlan version(String account, String credit, String effectiveFrom) {
        return new AccountPlan(account, "Team", new BigDecimal(credit), null, null, Instant.parse(effectiveFrom));
    }

    /** What the global processor does: the store changes, then the readers are told. */
    private void publish(AccountPlan version, long publishedAt, boolean tell) {
        store.put(version.getAccountId(), PlanPublishing.with(store.get(version.getAccountId()), version, publishedAt));
        if (tell) {
            published.changed();
        }
    }

    private static List<String> credits(PlanHistory history) {
        return history.getVersions().stream().map(plan -> plan.getIncludedCreditUsd().stripTrailingZeros().toPlainString()).toList();
    }

    @Test
    void aHeldAccountIsReadAgainOnlyAfterThePublicationsChange() {
        publish(version("acct-1", "5", "2026-09-01T00:00:00Z"), T1, true);
        PublishedPlans.Reader reader = published.cached(store, 8);
        assertThat(credits(reader.asOf("acct-1", LATER))).containsExactly("5");
        assertThat(credits(reader.asOf("acct-1", LATER))).containsExactly("5");

        publish(version("acct-1", "7", "2026-09-10T00:00:00Z"), T2, false);
        assertThat(credits(reader.asOf("acct-1", LATER))).as("held, no change reported").containsExactly("5");

        published.changed();
        assertThat(credits(reader.asOf("acct-1", LATER))).containsExactly("5", "7");
    }

    /**
     * The global thread may publish while a task reads the store: the reader must not hold what it read as current
     * once the count has moved past it, or the account keeps its old plans until the next publication of any account.
     */
    @Test
    void aPublicationLandingWhileTheStoreIsReadIsReadOnTheNextCall() {
        publish(version("acct-1", "5", "2026-09-01T00:00:00Z"), T1, true);
        AtomicBoolean publishDuringGet = new AtomicBoolean();
        ReadOnlyKeyValueStore<String, PlanPublications> racing = new ReadOnlyKeyValueStore<>() {
            @Override
            public PlanPublications get(String key) {
                PlanPublications read = store.get(key);
                if (publishDuringGet.getAndSet(false)) {
                    publish(version("acct-1", "7", "2026-09-10T00:00:00Z"), T2, true);
                }
                return read;
            }

            @Override
            public KeyValueIterator<String, PlanPublications> range(String from, String to) {
                return store.range(from, to);
            }

            @Override
            public KeyValueIterator<String, PlanPublications> all() {
                return store.all();
            }

            @Override
            public long approximateNumEntries() {
                return store.approximateNumEntries();
            }
        };
        PublishedPlans.Reader reader = published.cached(racing, 8);
        assertThat(credits(reader.asOf("acct-1", LATER))).containsExactly("5");

        publishDuringGet.set(true);
        assertThat(credits(reader.asOf("acct-1", LATER))).as("read before the publication landed").containsExactly("5");

        assertThat(credits(reader.asOf("acct-1", LATER))).as("the count moved while it was read")
                .containsExactly("5", "7");
    }

    @Test
    void theHeldPublicationsAnswerEveryInstantAsTheStoreWould() {
        publish(version("acct-1", "5", "2026-09-01T00:00:00Z"), T1, true);
        publish(version("acct-1", "7", "2026-09-10T00:00:00Z"), T2, true);
        PublishedPlans.Reader reader = published.cached(store, 8);

        assertThat(credits(reader.asOf("acct-1", LATER))).containsExactly("5", "7");
        assertThat(credits(reader.asOf("acct-1", T2 - 1))).as("the second not published yet").containsExactly("5");
        assertThat(reader.asOf("acct-1", T1 - 1)).as("nothing published yet").isNull();
    }

    @Test
    void anAccountReadOnceIsNotHeld() {
        publish(version("acct-1", "5", "2026-09-01T00:00:00Z"), T1, true);
        PublishedPlans.Reader reader = published.cached(store, 8);
        assertThat(credits(reader.asOf("acct-1", LATER))).containsExactly("5");

        publish(version("acct-1", "7", "2026-09-10T00:00:00Z"), T2, false);

        assertThat(credits(reader.asOf("acct-1", LATER))).as("read from the store").containsExactly("5", "7");
        publish(version("acct-1", "9", "2026-09-12T00:00:00Z"), T2 + 1, false);
        assertThat(credits(reader.asOf("acct-1", LATER))).as("held since the second read").containsExactly("5", "7");
    }

    @Test
    void anAccountWithoutPlansIsHeldAsNoneUntilAPublication() {
        PublishedPlans.Reader reader = published.cached(store, 8);
        assertThat(reader.asOf("acct-2", LATER)).isNull();
        assertThat(reader.asOf("acct-2", LATER)).isNull();

        publish(version("acct-2", "3", "2026-09-01T00:00:00Z"), T1, false);
        assertThat(reader.asOf("acct-2", LATER)).as("held as none").isNull();

        published.changed();
        assertThat(credits(reader.asOf("acct-2", LATER))).containsExactly("3");
    }

    @Test
    void aNewAccountFindingTheCapacityFullLetsGoOfTheLeastRecentlyUsed() {
        publish(version("a", "1", "2026-09-01T00:00:00Z"), T1, true);
        publish(version("b", "2", "2026-09-01T00:00:00Z"), T1, true);
        publish(version("c", "3", "2026-09-01T00:00:00Z"), T1, true);
        PublishedPlans.Reader reader = published.cached(store, 2);
        for (String account : List.of("a", "a", "b", "b")) {
            reader.asOf(account, LATER);
        }
        publish(version("a", "10", "2026-09-10T00:00:00Z"), T2, false);
        publish(version("b", "20", "2026-09-10T00:00:00Z"), T2, false);
        assertThat(credits(reader.asOf("a", LATER))).as("held, and now used after b").containsExactly("1");

        reader.asOf("c", LATER);
        reader.asOf("c", LATER); // held: b, the least recently used, goes

        publish(version("c", "30", "2026-09-10T00:00:00Z"), T2, false);
        assertThat(credits(reader.asOf("c", LATER))).as("still held").containsExactly("3");
        assertThat(credits(reader.asOf("a", LATER))).as("still held").containsExactly("1");
        assertThat(credits(reader.asOf("b", LATER))).as("read again").containsExactly("2", "20");
    }

    @Test
    void aCapacityOfZeroReadsTheStoreEveryTime() {
        publish(version("acct-1", "5", "2026-09-01T00:00:00Z"), T1, true);
        PublishedPlans.Reader reader = published.cached(store, 0);
        reader.asOf("acct-1", LATER);

        publish(version("acct-1", "7", "2026-09-10T00:00:00Z"), T2, false);
        assertThat(credits(reader.asOf("acct-1", LATER))).containsExactly("5", "7");
    }

    @Test
    void aNegativeCapacityIsRefused() {
        assertThatThrownBy(() -> published.cached(store, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
