package com.fluxrouter.billing.invoicing;

import com.fluxrouter.billing.PipelineTest;
import com.fluxrouter.billing.pricing.Lane;
import com.fluxrouter.billing.schema.InvoiceLine;
import com.fluxrouter.billing.schema.OverageUpdate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static com.fluxrouter.billing.invoicing.InvoiceLines.ofType;
import static com.fluxrouter.billing.invoicing.InvoiceLines.total;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 11 item 4, rule 11: a router region delivering 2,000 buffered requests after their month closed makes ONE
 * supplemental set, emitted when the billing clock has moved the supplemental window (PT1H) past the first of them,
 * or when the partition goes idle; overage updates stay immediate. Money is expected from the rules' text: $1, $2,
 * $4 per 1M tokens for Express, Daily Driver and Deep Thought, input and output alike; the account has $5 of
 * included credit, used up by October's original set, so the set's amount due is the rounded change of the overage.
 */
class LateBacklogTest extends PipelineTest {
    private static final String ACCOUNT = "backlog";
    private static final int LATE = 2_000;
    private static final Lane[] LANES = {Lane.EXPRESS, Lane.DAILY_DRIVER, Lane.DEEP_THOUGHT};
    private static final Map<Lane, BigDecimal> USD_PER_MILLION = new EnumMap<>(Map.of(
            Lane.EXPRESS, new BigDecimal("1"), Lane.DAILY_DRIVER, new BigDecimal("2"), Lane.DEEP_THOUGHT, new BigDecimal("4")));

    private final Map<Lane, BigDecimal> lateUsd = new EnumMap<>(Lane.class);
    private final Map<Lane, Long> lateRequests = new EnumMap<>(Lane.class);

    @BeforeEach
    void octoberClosedWithTenDollarsAgainstFiveOfCredit() {
        publishPlan(plan(ACCOUNT, "Team", "5", null, null, "2020-01-01T00:00:00Z"));
        send(request(ACCOUNT, Lane.EXPRESS, 10_000_000, 0, "2026-10-10T00:00:00Z").build());
    }

    private static BigDecimal cost(Lane lane, long tokens) {
        return USD_PER_MILLION.get(lane).multiply(BigDecimal.valueOf(tokens)).divide(BigDecimal.valueOf(1_000_000));
    }

    /** Sends the backlog: request i in lane i mod 3, completed in the last days of October. */
    private void sendBacklog() {
        Instant first = Instant.parse("2026-10-25T00:00:00Z");
        for (int i = 0; i < LATE; i++) {
            Lane lane = LANES[i % 3];
            long input = 1_000 + i;
            long output = 500 + (i % 7) * 100L;
            send(request(ACCOUNT, lane, input, output, first.plusSeconds(i * 97L).toString()).build());
            lateUsd.merge(lane, cost(lane, input + output), BigDecimal::add);
            lateRequests.merge(lane, 1L, Long::sum);
        }
    }

    private BigDecimal allLateUsd() {
        return lateUsd.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    /** One set: a USAGE line per lane with the backlog's own sums, and a TOTAL of the rounded overage change. */
    private void assertOneSetOfTheBacklog(List<InvoiceLine> lines) {
        assertThat(lines).allSatisfy(line -> {
            assertThat(line.getBillingMonth()).isEqualTo("2026-10");
            assertThat(line.getSupplemental()).isTrue();
            assertThat(line.getInvoiceSet()).isEqualTo(1);
        });
        assertThat(lines).extracting(InvoiceLine::getLineType).containsExactly("USAGE", "USAGE", "USAGE", "TOTAL");
        for (Lane lane : LANES) {
            assertThat(ofType(lines, "USAGE")).filteredOn(line -> line.getLane().equals(lane.name())).singleElement()
                    .satisfies(line -> {
                        assertThat(line.getRequests()).isEqualTo(lateRequests.get(lane));
                        assertThat(line.getAmountUsd()).isEqualByComparingTo(lateUsd.get(lane));
                    });
        }
        BigDecimal octoberDue = new BigDecimal("10").subtract(new BigDecimal("5"));
        BigDecimal dueChange = octoberDue.add(allLateUsd()).setScale(2, RoundingMode.HALF_UP)
                .subtract(octoberDue.setScale(2, RoundingMode.HALF_UP));
        assertThat(total(lines).getRequests()).isEqualTo(LATE);
        assertThat(total(lines).getAmountUsd()).isEqualByComparingTo(allLateUsd());
        assertThat(total(lines).getAmountDueUsd()).isEqualByComparingTo(dueChange);
    }

    @Test
    void twoThousandLateRequestsMakeOneSetWhenTheBillingClockHasMovedTheWindowPastTheFirst() {
        // Closes October (end + 24 h passed); the billing clock is at 2026-11-26T23:00Z
        send(request("clock", Lane.EXPRESS, 1_000, 0, "2026-11-26T23:00:00Z").build());
        assertThat(ofType(invoiceLines(), "TOTAL")).singleElement()
                .satisfies(total -> assertThat(total.getAmountDueUsd()).isEqualByComparingTo("5.00"));
        overage();

        sendBacklog();

        List<OverageUpdate> overage = overage();
        assertThat(overage).as("overage updates stay immediate").hasSize(LATE);
        assertThat(overage.get(LATE - 1).getOverageUsd()).isEqualByComparingTo(new BigDecimal("5").add(allLateUsd()));
        assertThat(invoiceLines()).as("gathered, not flooded").isEmpty();
        send(request("clock", Lane.EXPRESS, 1_000, 0, "2026-11-26T23:59:59.999Z").build());
        assertThat(invoiceLines()).as("one millisecond short of the window").isEmpty();

        send(request("clock", Lane.EXPRESS, 1_000, 0, "2026-11-27T00:00:00Z").build());

        assertOneSetOfTheBacklog(invoiceLines());
        send(request("clock", Lane.EXPRESS, 1_000, 0, "2026-11-27T00:04:00Z").build());
        assertThat(invoiceLines()).as("nothing more is pending").isEmpty();
    }

    @Test
    void twoThousandLateRequestsMakeOneSetWhenThePartitionGoesIdle() {
        // The billing clock is one minute behind the wall clock: the window would not pass for an hour
        send(request("clock", Lane.EXPRESS, 1_000, 0, WALL_CLOCK_START.minus(Duration.ofMinutes(1)).toString()).build());
        invoiceLines();

        sendBacklog();
        assertThat(invoiceLines()).isEmpty();
        advanceWallClock(Duration.ofMinutes(4));
        assertThat(invoiceLines()).as("not idle yet").isEmpty();

        advanceWallClock(Duration.ofMinutes(2));

        assertOneSetOfTheBacklog(invoiceLines());
        advanceWallClock(Duration.ofMinutes(6));
        assertThat(invoiceLines()).as("nothing more is pending").isEmpty();
    }
}
