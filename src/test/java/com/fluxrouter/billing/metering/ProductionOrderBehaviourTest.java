package com.fluxrouter.billing.metering;

import com.fluxrouter.billing.PipelineTest;
import com.fluxrouter.billing.schema.InvoiceLine;
import com.fluxrouter.billing.schema.OverageUpdate;
import com.fluxrouter.billing.schema.PricedRequest;
import com.fluxrouter.billing.schema.SpendAlert;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rule 6, production order: a request is metered, and a month closed, under the plan versions published by the
 * record timestamp of the request (the request that closes the month), whatever order the pipeline receives them
 * in. Each test pipes a version published later than a request before that request, as a re-run after
 * {@code reset} does when it reads every plan first. Requests are produced a second after they complete.
 */
class ProductionOrderBehaviourTest extends PipelineTest {
    private static final String ACCOUNT = "acct-order";
    private static final String LONG_AGO = "2020-01-01T00:00:00Z";

    @Test
    void aVersionPublishedAfterARequestDoesNotApplyToItEvenWhenReceivedFirst() {
        publishPlan(plan(ACCOUNT, "Starter", "5", null, null, LONG_AGO));
        // An upgrade for the whole of October (rule 6: in force at an instant of the month), published on the 10th.
        publishPlan(plan(ACCOUNT, "Team", "20", null, null, "2026-10-01T00:00:00Z"), Instant.parse("2026-10-10T00:00:00Z"));

        spend(ACCOUNT, "8", "2026-10-05T00:00:00Z");
        List<OverageUpdate> updates = overage();
        assertThat(updates).hasSize(2);
        // Rule 7 on the $5 credit in force when the request was produced: overage = 8 - 5, as of its completed_at.
        assertThat(updates.get(0).getIncludedCreditUsd()).isEqualByComparingTo("5");
        assertThat(updates.get(0).getOverageUsd()).isEqualByComparingTo(new BigDecimal("8").subtract(new BigDecimal("5")));
        assertThat(updates.get(0).getAsOf()).isEqualTo(Instant.parse("2026-10-05T00:00:00Z"));
        // Its status is as of the upgrade's publication (rule 12: never before the last status), which brings the
        // upgrade to the month as of then, as the plan change did live: the $20 credit covers the $8, $3 taken back.
        assertThat(updates.get(1).getIncludedCreditUsd()).isEqualByComparingTo("20");
        assertThat(updates.get(1).getOverageUsd()).isEqualByComparingTo("0");
        assertThat(updates.get(1).getOverageDeltaUsd()).isEqualByComparingTo("-3");
        assertThat(updates.get(1).getAsOf()).isEqualTo(Instant.parse("2026-10-10T00:00:00Z"));
        // The request's own alerts follow the $5 credit of its time.
        assertThat(alerts()).extracting(SpendAlert::getAlert).containsExactly("CREDIT_50", "CREDIT_80", "CREDIT_100");

        spend(ACCOUNT, "1", "2026-10-12T00:00:00Z");
        // $9 within the $20 credit: overage stays 0, no update.
        assertThat(overage()).isEmpty();
    }

    /**
     * The first two requests make their task hold the account's publications (from the second read on,
     * {@code flux.billing.plans-cache-entries}); the version published after them must reach the next request all
     * the same.
     */
    @Test
    void aVersionPublishedBetweenTwoRequestsAppliesToTheNext() {
        publishPlan(plan(ACCOUNT, "Starter", "5", null, null, LONG_AGO));
        spend(ACCOUNT, "1", "2026-10-05T00:00:00Z");
        spend(ACCOUNT, "1", "2026-10-06T00:00:00Z");
        assertThat(overage()).as("$2 within the $5 credit").isEmpty();
        publishPlan(plan(ACCOUNT, "Team", "20", null, null, "2026-10-01T00:00:00Z"), Instant.parse("2026-10-10T00:00:00Z"));
        overage();

        spend(ACCOUNT, "20", "2026-10-12T00:00:00Z");
        // Rule 7 under the $20 credit published by then: $1 + $1 + $20 used, $20 included.
        assertThat(overage()).singleElement().satisfies(update -> {
            assertThat(update.getIncludedCreditUsd()).isEqualByComparingTo("20");
            assertThat(update.getOverageUsd()).isEqualByComparingTo(new BigDecimal("1").add(new BigDecimal("1"))
                    .add(new BigDecimal("20")).subtract(new BigDecimal("20")));
        });
    }

    @Test
    void aMonthClosesUnderTheVersionsPublishedByTheRequestThatClosesIt() {
        publishPlan(plan(ACCOUNT, "Starter", "5", null, null, LONG_AGO));
        spend(ACCOUNT, "8", "2026-10-05T00:00:00Z");
        overage();
        // An upgrade in force from October 20th, published after October closed (rule 6: it does not re-bill it).
        publishPlan(plan(ACCOUNT, "Team", "20", null, null, "2026-10-20T00:00:00Z"), Instant.parse("2026-11-03T00:00:00Z"));

        spend(ACCOUNT, "0.01", "2026-11-02T00:00:00Z"); // the clock reaches October's end + 24 h grace
        assertThat(overage()).as("no change of terms at the close").isEmpty();
        List<InvoiceLine> october = invoiceLines();
        assertThat(october).extracting(InvoiceLine::getLineType).containsExactly("USAGE", "INCLUDED_CREDIT", "TOTAL");
        assertThat(october.get(1).getAmountUsd()).isEqualByComparingTo("-5");
        assertThat(october.get(2).getAmountDueUsd()).isEqualByComparingTo("3.00");
    }

    @Test
    void aMonthTakesTheZoneOfTheVersionsPublishedByItsFirstRequest() {
        publishPlan(plan(ACCOUNT, "Team", "5", null, null, LONG_AGO));
        // Los Angeles time since September, but only published on October 20th.
        publishPlan(plan(ACCOUNT, "Team", "5", null, "America/Los_Angeles", "2026-09-01T00:00:00Z"),
                Instant.parse("2026-10-20T00:00:00Z"));

        spend(ACCOUNT, "1", "2026-10-05T00:00:00Z"); // opens October in UTC
        // Published by now: 03:00Z on November 1st is October 31st, 20:00 in Los Angeles, so October.
        spend(ACCOUNT, "1", "2026-11-01T03:00:00Z");
        assertThat(priced()).extracting(PricedRequest::getBillingMonth).containsExactly("2026-10", "2026-10");
        assertThat(invoiceLines()).isEmpty();

        // October opened in UTC closes at November 2nd, 00:00Z (+ 24 h grace); in Los Angeles time it would be 07:00Z.
        spend(ACCOUNT, "1", "2026-11-02T03:00:00Z");
        List<InvoiceLine> lines = invoiceLines();
        assertThat(lines).extracting(InvoiceLine::getBillingMonth).containsOnly("2026-10");
        assertThat(lines).filteredOn(line -> line.getLineType().equals("TOTAL")).singleElement()
                .satisfies(total -> assertThat(total.getRequests()).isEqualTo(2));
    }

    /**
     * Issue 13's review: the ceiling alerts a cap causes are the same whichever of a request and the cap reaches the
     * meter first. Live, the request (produced Oct 10) comes first and the cap's own step (published Oct 15) alerts;
     * in a re-run the cap comes first and the request's status, as of the cap's publication with the versions
     * published by then, applies it: its alerts name no request either (rule 9), at the cap's instant.
     */
    @Test
    void aCapsAlertsAreTheSameWhicheverOfTheRequestAndTheCapIsMeteredFirst() {
        Instant capped = Instant.parse("2026-10-15T00:00:00Z");
        publishPlan(plan("live", "Pay as you go", "0", null, null, LONG_AGO));
        publishPlan(plan("rerun", "Pay as you go", "0", null, null, LONG_AGO));
        spend("live", "3", "2026-10-10T00:00:00Z");
        publishPlan(plan("live", "Capped", "0", "1", null, capped.toString()), capped);

        publishPlan(plan("rerun", "Capped", "0", "1", null, capped.toString()), capped);
        spend("rerun", "3", "2026-10-10T00:00:00Z");

        List<SpendAlert> alerts = alerts();
        for (String account : List.of("live", "rerun")) {
            assertThat(alerts).as(account).filteredOn(alert -> alert.getAccountId().equals(account)).satisfiesExactly(
                    alert -> assertCapAlert(alert, "CEILING_90", "0.9", capped),
                    alert -> assertCapAlert(alert, "CEILING_100", "1", capped));
        }
    }

    private static void assertCapAlert(SpendAlert alert, String name, String threshold, Instant at) {
        assertThat(alert.getAlert()).isEqualTo(name);
        assertThat(alert.getThresholdUsd()).isEqualByComparingTo(threshold);
        assertThat(alert.getUsageUsd()).isEqualByComparingTo("3");
        assertThat(alert.getAt()).isEqualTo(at);
        assertThat(alert.getRequestId()).isNull();
    }
}
