package com.fluxrouter.billing.plans;

import com.fluxrouter.billing.schema.AccountPlan;
import com.fluxrouter.billing.schema.state.PlanHistory;
import com.fluxrouter.billing.schema.state.PlanPublications;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Rule 6, production order: the plan history as it stood at an instant, from publications in any order. */
class PlanPublishingTest {
    private static final long SEPT_1 = Instant.parse("2026-09-01T00:00:00Z").toEpochMilli();
    private static final long OCT_10 = Instant.parse("2026-10-10T00:00:00Z").toEpochMilli();
    private static final long OCT_20 = Instant.parse("2026-10-20T00:00:00Z").toEpochMilli();

    private static AccountPlan version(String credit, String effectiveFrom) {
        return new AccountPlan("acct-1", "Team", new BigDecimal(credit), null, null, Instant.parse(effectiveFrom));
    }

    private static List<String> credits(PlanHistory history) {
        return history.getVersions().stream().map(plan -> plan.getIncludedCreditUsd().toPlainString()).toList();
    }

    @Test
    void aVersionIsInTheHistoryFromTheInstantItWasPublished() {
        PlanPublications publications = PlanPublishing.with(null, version("5", "2026-01-01T00:00:00Z"), SEPT_1);
        publications = PlanPublishing.with(publications, version("20", "2026-10-01T00:00:00Z"), OCT_10);

        assertThat(PlanPublishing.asOf(publications, SEPT_1 - 1)).as("before anything was published").isNull();
        assertThat(credits(PlanPublishing.asOf(publications, OCT_10 - 1))).containsExactly("5");
        assertThat(credits(PlanPublishing.asOf(publications, OCT_10))).containsExactly("5", "20");
    }

    @Test
    void aRepublishedVersionReplacesTheEarlierOneOnlyFromItsPublication() {
        PlanPublications publications = PlanPublishing.with(null, version("5", "2026-10-01T00:00:00Z"), SEPT_1);
        publications = PlanPublishing.with(publications, version("7", "2026-10-01T00:00:00Z"), OCT_20);

        assertThat(credits(PlanPublishing.asOf(publications, OCT_10))).containsExactly("5");
        assertThat(credits(PlanPublishing.asOf(publications, OCT_20))).containsExactly("7");
    }

    @Test
    void theSameRecordReadTwiceChangesNothing() {
        PlanPublications once = PlanPublishing.with(null, version("5", "2026-10-01T00:00:00Z"), SEPT_1);
        PlanPublications twice = PlanPublishing.with(once, version("5", "2026-10-01T00:00:00Z"), SEPT_1);
        assertThat(twice).isEqualTo(once);
    }

    @Test
    void publicationsFoldedInAnyOrderGiveTheSameState() {
        List<Object[]> records = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String effective = "2026-%02d-01T00:00:00Z".formatted(1 + i % 6);
            records.add(new Object[] {version(Integer.toString(i), effective), SEPT_1 + i * 3_600_000L});
        }
        PlanPublications inOrder = fold(records);
        Random random = new Random(11);
        for (int round = 0; round < 20; round++) {
            Collections.shuffle(records, random);
            assertThat(fold(records)).isEqualTo(inOrder);
        }
        // Each effective_from shows its latest publication: i and i + 6 share one, i + 6 published later.
        assertThat(credits(PlanPublishing.asOf(inOrder, Long.MAX_VALUE))).containsExactly("6", "7", "8", "9", "10", "11");
    }

    private static PlanPublications fold(List<Object[]> records) {
        PlanPublications publications = PlanPublishing.empty();
        for (Object[] record : records) {
            publications = PlanPublishing.with(publications, (AccountPlan) record[0], (Long) record[1]);
        }
        return publications;
    }
}
