package com.fluxrouter.billing.metering;

import com.fluxrouter.billing.PipelineTest;
import com.fluxrouter.billing.pricing.Lane;
import com.fluxrouter.billing.schema.InvoiceLine;
import com.fluxrouter.billing.schema.OverageUpdate;
import com.fluxrouter.billing.schema.PricedRequest;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Rule 5 end to end: billing_month is the calendar month of completed_at in the account's billing time zone. */
class BillingMonthBehaviourTest extends PipelineTest {
    private static final String LONG_AGO = "2020-01-01T00:00:00Z";

    /** A plan of the zone with no credit and no ceiling: bills like pay as you go, in the zone's months. */
    private void zonePlan(String account, String zone) {
        publishPlan(plan(account, "Pay As You Go", "0", null, zone, LONG_AGO));
    }

    private String monthOf(String account, String completedAt) {
        send(request(account, Lane.EXPRESS, 1_000, 0, completedAt));
        List<PricedRequest> priced = priced();
        assertThat(priced).hasSize(1);
        return priced.get(0).getBillingMonth();
    }

    @Test
    void requestAt2330UtcOnNovember30IsDecemberInKiritimatiAndNovemberInUtc() {
        zonePlan("kiritimati", "Pacific/Kiritimati");
        zonePlan("utc", "UTC");
        zonePlan("baker-island", "Etc/GMT+12");
        zonePlan("tokyo", "Asia/Tokyo");
        String at = "2026-11-30T23:30:00Z";
        assertThat(monthOf("kiritimati", at)).isEqualTo("2026-12");
        assertThat(monthOf("utc", at)).isEqualTo("2026-11");
        assertThat(monthOf("baker-island", at)).isEqualTo("2026-11");
        assertThat(monthOf("tokyo", at)).isEqualTo("2026-12");
    }

    @Test
    void accountWithoutZoneOrWithoutPlanBillsUtcMonths() {
        publishPlan(plan("no-zone", "Team", "10", null, null, LONG_AGO));
        assertThat(monthOf("no-zone", "2026-11-30T23:59:59.999Z")).isEqualTo("2026-11");
        assertThat(monthOf("no-zone", "2026-12-01T00:00:00Z")).isEqualTo("2026-12");
        assertThat(monthOf("no-plan", "2026-11-30T23:59:59.999Z")).isEqualTo("2026-11");
        assertThat(monthOf("no-plan", "2026-12-01T00:00:00Z")).isEqualTo("2026-12");
    }

    @Test
    void monthBoundaryIsExactlyMidnightLocal() {
        zonePlan("kiritimati", "Pacific/Kiritimati");
        assertThat(monthOf("kiritimati", "2026-11-30T09:59:59.999Z")).isEqualTo("2026-11");
        assertThat(monthOf("kiritimati", "2026-11-30T10:00:00Z")).isEqualTo("2026-12");
        zonePlan("baker-island", "Etc/GMT+12");
        assertThat(monthOf("baker-island", "2026-12-01T11:59:59.999Z")).isEqualTo("2026-11");
        assertThat(monthOf("baker-island", "2026-12-01T12:00:00Z")).isEqualTo("2026-12");
        zonePlan("kolkata", "Asia/Kolkata");
        assertThat(monthOf("kolkata", "2026-11-30T18:29:59.999Z")).isEqualTo("2026-11");
        assertThat(monthOf("kolkata", "2026-11-30T18:30:00Z")).isEqualTo("2026-12");
    }

    @Test
    void newYorkMonthsFollowDaylightSavingTime() {
        zonePlan("new-york", "America/New_York");
        // March 2026 starts in EST (UTC-5) and ends in EDT (UTC-4).
        assertThat(monthOf("new-york", "2026-03-01T04:59:59.999Z")).isEqualTo("2026-02");
        assertThat(monthOf("new-york", "2026-03-01T05:00:00Z")).isEqualTo("2026-03");
        assertThat(monthOf("new-york", "2026-04-01T03:59:59.999Z")).isEqualTo("2026-03");
        assertThat(monthOf("new-york", "2026-04-01T04:00:00Z")).isEqualTo("2026-04");
        // November 2026 starts in EDT and ends in EST.
        assertThat(monthOf("new-york", "2026-11-01T03:59:59.999Z")).isEqualTo("2026-10");
        assertThat(monthOf("new-york", "2026-11-01T04:00:00Z")).isEqualTo("2026-11");
        assertThat(monthOf("new-york", "2026-12-01T04:59:59.999Z")).isEqualTo("2026-11");
        assertThat(monthOf("new-york", "2026-12-01T05:00:00Z")).isEqualTo("2026-12");
    }

    @Test
    void berlinMonthsFollowSummerTime() {
        zonePlan("berlin", "Europe/Berlin");
        assertThat(monthOf("berlin", "2026-03-31T21:59:59.999Z")).isEqualTo("2026-03");
        assertThat(monthOf("berlin", "2026-03-31T22:00:00Z")).isEqualTo("2026-04");
        assertThat(monthOf("berlin", "2026-10-31T22:59:59.999Z")).isEqualTo("2026-10");
        assertThat(monthOf("berlin", "2026-10-31T23:00:00Z")).isEqualTo("2026-11");
    }

    @Test
    void dstMonthClosesAtItsLocalEndPlusGrace() {
        zonePlan("new-york", "America/New_York");
        send(request("new-york", Lane.EXPRESS, 1_000_000, 0, "2026-11-15T12:00:00Z"));
        // November in New York ends at 2026-12-01T05:00Z (EST); it closes 24 h later.
        send(request("new-york", Lane.EXPRESS, 1_000, 0, "2026-12-02T04:59:59.999Z"));
        assertThat(invoiceLines()).isEmpty();
        send(request("new-york", Lane.EXPRESS, 1_000, 0, "2026-12-02T05:00:00Z"));
        List<InvoiceLine> lines = invoiceLines();
        assertThat(lines).isNotEmpty().allSatisfy(line -> assertThat(line.getBillingMonth()).isEqualTo("2026-11"));
        assertThat(lines).filteredOn(line -> line.getLineType().equals("TOTAL")).singleElement()
                .satisfies(total -> assertThat(total.getAmountDueUsd()).isEqualByComparingTo("1.00"));
    }

    @Test
    void leapDayFebruary29Of2028BelongsToFebruary() {
        assertThat(monthOf("utc", "2028-02-28T23:59:59.999Z")).isEqualTo("2028-02");
        assertThat(monthOf("utc", "2028-02-29T00:00:00Z")).isEqualTo("2028-02");
        assertThat(monthOf("utc", "2028-02-29T23:59:59.999Z")).isEqualTo("2028-02");
        assertThat(monthOf("utc", "2028-03-01T00:00:00Z")).isEqualTo("2028-03");
        zonePlan("kiritimati", "Pacific/Kiritimati");
        assertThat(monthOf("kiritimati", "2028-02-29T09:59:59.999Z")).isEqualTo("2028-02");
        assertThat(monthOf("kiritimati", "2028-02-29T10:00:00Z")).isEqualTo("2028-03");
    }

    @Test
    void leapYearFebruaryInvoiceIncludesThe29thAndClosesOnMarch2() {
        send(request("utc", Lane.DAILY_DRIVER, 1_000_000, 0, "2028-02-01T00:00:00Z"));
        send(request("utc", Lane.DAILY_DRIVER, 500_000, 0, "2028-02-29T23:59:59.999Z"));
        send(request("utc", Lane.EXPRESS, 1_000, 0, "2028-03-01T23:59:59.999Z"));
        assertThat(invoiceLines()).isEmpty();
        send(request("utc", Lane.EXPRESS, 1_000, 0, "2028-03-02T00:00:00Z"));
        List<InvoiceLine> lines = invoiceLines();
        assertThat(lines).extracting(InvoiceLine::getLineType).containsExactly("USAGE", "TOTAL");
        assertThat(lines.get(0).getBillingMonth()).isEqualTo("2028-02");
        assertThat(lines.get(0).getRequests()).isEqualTo(2);
        assertThat(lines.get(0).getAmountUsd()).isEqualByComparingTo("3");
        assertThat(lines.get(1).getAmountDueUsd()).isEqualByComparingTo("3.00");
    }

    @Test
    void eachLocalMonthIsMeteredOnItsOwn() {
        publishPlan(plan("kiritimati", "Team", "1", null, "Pacific/Kiritimati", LONG_AGO));
        // Both at 2026-11-30 UTC, but on either side of midnight in Kiritimati.
        send(request("kiritimati", Lane.EXPRESS, 1_500_000, 0, "2026-11-30T09:00:00Z"));
        send(request("kiritimati", Lane.EXPRESS, 1_250_000, 0, "2026-11-30T11:00:00Z"));
        List<OverageUpdate> updates = overage();
        assertThat(updates).extracting(OverageUpdate::getBillingMonth).containsExactly("2026-11", "2026-12");
        assertThat(updates.get(0).getOverageUsd()).isEqualByComparingTo(new BigDecimal("0.5"));
        assertThat(updates.get(1).getOverageUsd()).isEqualByComparingTo(new BigDecimal("0.25"));
        assertThat(updates.get(1).getUsageUsd()).isEqualByComparingTo(new BigDecimal("1.25"));
    }
}
