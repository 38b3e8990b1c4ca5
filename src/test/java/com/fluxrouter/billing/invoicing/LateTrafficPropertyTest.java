package com.fluxrouter.billing.invoicing;

import com.fluxrouter.billing.PipelineTest;
import com.fluxrouter.billing.pricing.Lane;
import com.fluxrouter.billing.schema.InvoiceLine;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property of rule 11 over seeded random late traffic (each seed one case): whatever the late requests of a closed
 * account-month and however the billing clock moves and the partition idles between them, the TOTALs of its original
 * and supplemental sets add up to the amount due on all its requests: the sum of their amount_due_usd is rule 7's
 * overage due, computed here from the rules' text ($1, $2, $4 per 1M tokens; credit; ceiling), rounded half-up to
 * cents, and the sum of their amount_usd is that overage exactly. Sets are numbered 0, 1, 2, ... without gaps.
 */
class LateTrafficPropertyTest extends PipelineTest {
    private static final Lane[] LANES = {Lane.EXPRESS, Lane.DAILY_DRIVER, Lane.DEEP_THOUGHT};
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);
    private static final String[] ACCOUNTS = {"payg", "team", "capped"};
    /** Included credit and ceiling (null: none) per account, as published below. */
    private static final Map<String, BigDecimal[]> TERMS = Map.of(
            "payg", new BigDecimal[] {BigDecimal.ZERO, null},
            "team", new BigDecimal[] {new BigDecimal("10"), null},
            "capped", new BigDecimal[] {new BigDecimal("5"), new BigDecimal("8")});

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 20);
    }

    private static BigDecimal usdPerMillion(Lane lane) {
        return switch (lane) {
            case EXPRESS -> new BigDecimal("1");
            case DAILY_DRIVER -> new BigDecimal("2");
            case DEEP_THOUGHT -> new BigDecimal("4");
        };
    }

    /** Rule 7: overage_due = max(0, min(usage, ceiling) - credit). */
    private static BigDecimal overageDue(String account, BigDecimal usage) {
        BigDecimal credit = TERMS.get(account)[0];
        BigDecimal ceiling = TERMS.get(account)[1];
        BigDecimal billable = ceiling == null ? usage : usage.min(ceiling);
        return billable.subtract(credit).max(BigDecimal.ZERO);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void originalAndSupplementalTotalsAddUpToTheAmountDueOnAllRequests(long seed) {
        Random random = new Random(seed);
        publishPlan(plan("team", "Team", "10", null, null, "2020-01-01T00:00:00Z"));
        publishPlan(plan("capped", "Free", "5", "8", null, "2020-01-01T00:00:00Z"));
        Map<String, BigDecimal> usage = new HashMap<>();
        Instant october = Instant.parse("2026-10-24T00:00:00Z");
        int id = 0;
        for (int i = 0; i < 30; i++) {
            id = sendOctober(random, usage, october, id);
        }
        // Closes October; the billing clock then moves by November requests and idle wall-clock advances
        Instant clock = Instant.parse("2026-11-20T00:00:00Z");
        Instant wall = WALL_CLOCK_START;
        send(request("clock", Lane.EXPRESS, 1_000, 0, clock.toString()).build());

        int late = 50 + random.nextInt(250);
        for (int i = 0; i < late; i++) {
            id = sendOctober(random, usage, october, id);
            int event = random.nextInt(100);
            if (event < 10) {
                Instant next = clock.plus(Duration.ofMinutes(random.nextInt(91)));
                if (!next.isAfter(wall)) {
                    clock = next;
                    send(request("clock", Lane.EXPRESS, 1_000, 0, clock.toString()).setRequestId("c" + i).build());
                }
            } else if (event < 12) {
                Duration idle = Duration.ofMinutes(1 + random.nextInt(10));
                advanceWallClock(idle);
                wall = wall.plus(idle);
                clock = clock.isBefore(wall) && idle.toMinutes() >= 5 ? wall : clock;
            }
        }
        advanceWallClock(Duration.ofDays(3650));

        assertThat(rejected()).as("every request is valid and within the deduplication window").isEmpty();
        List<InvoiceLine> lines = invoiceLines();
        long supplementalSets = lines.stream().filter(l -> l.getLineType().equals("TOTAL") && l.getSupplemental()).count();
        assertThat(supplementalSets).as("late requests gathered, not one set each").isPositive().isLessThan(late);
        for (String account : ACCOUNTS) {
            List<InvoiceLine> october2026 = lines.stream()
                    .filter(l -> l.getAccountId().equals(account) && l.getBillingMonth().equals("2026-10")).toList();
            BigDecimal overage = overageDue(account, usage.getOrDefault(account, BigDecimal.ZERO));
            List<InvoiceLine> totals = october2026.stream().filter(l -> l.getLineType().equals("TOTAL")).toList();
            assertThat(totals).extracting(InvoiceLine::getInvoiceSet).as("%s: sets in order", account)
                    .containsExactlyElementsOf(java.util.stream.IntStream.range(0, totals.size()).boxed().toList());
            assertThat(totals.stream().map(InvoiceLine::getAmountDueUsd).reduce(BigDecimal.ZERO, BigDecimal::add))
                    .as("%s: sum of TOTAL amount_due_usd", account)
                    .isEqualByComparingTo(overage.setScale(2, RoundingMode.HALF_UP));
            assertThat(totals.stream().map(InvoiceLine::getAmountUsd).reduce(BigDecimal.ZERO, BigDecimal::add))
                    .as("%s: sum of TOTAL amount_usd", account).isEqualByComparingTo(overage);
        }
    }

    /** One October request of a random account, lane and size; its cost added to the account's usage. */
    private int sendOctober(Random random, Map<String, BigDecimal> usage, Instant october, int id) {
        String account = ACCOUNTS[random.nextInt(ACCOUNTS.length)];
        Lane lane = LANES[random.nextInt(LANES.length)];
        long input = random.nextInt(4) == 0 ? random.nextInt(1_000) : random.nextInt(1_500_001);
        long output = random.nextInt(800_001);
        Instant at = october.plusSeconds(random.nextInt(7 * 24 * 3600));
        send(request(account, lane, input, output, at.toString()).setRequestId("o" + id).build());
        usage.merge(account, usdPerMillion(lane).multiply(BigDecimal.valueOf(input + output)).divide(MILLION),
                BigDecimal::add);
        return id + 1;
    }
}
