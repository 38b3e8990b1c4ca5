package com.fluxrouter.billing.chaos;

import com.fluxrouter.billing.errors.Reason;
import com.fluxrouter.billing.invoicing.InvoiceBuilder;
import com.fluxrouter.billing.metering.PlanTerms;
import com.fluxrouter.billing.oracle.OracleOutputs;
import com.fluxrouter.billing.pricing.Lane;
import com.fluxrouter.billing.schema.InvoiceLine;
import com.fluxrouter.billing.schema.state.LaneUsage;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.serde.WireFormat;
import com.fluxrouter.billing.traffic.TokenSource;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class WorkloadTest {
    private static final Instant NOW = Instant.parse("2026-11-27T09:00:00Z");
    private static final Serdes SERDES = new Serdes(WireFormat.SINGLE_OBJECT);

    private static Workload workload(Scenario scenario) {
        return Workload.generate(scenario, Size.reducedForm(), 3, TokenSource.builtIn(new Random(3)), NOW, SERDES);
    }

    @Test
    void sameSeedGivesTheSameTraffic() {
        List<Workload.Send> first = workload(Scenario.CRASH).sends;
        List<Workload.Send> second = workload(Scenario.CRASH).sends;

        assertThat(second).hasSameSizeAs(first);
        for (int i = 0; i < first.size(); i++) {
            assertThat(second.get(i).value()).isEqualTo(first.get(i).value());
        }
    }

    @Test
    void validRequestsCompleteInPastMonthsThatCloseAndWithinTheDeduplicationWindow() {
        Workload workload = workload(Scenario.LATE_DATA);

        assertThat(workload.firstCompleted).isAfter(NOW.minus(Workload.DEDUP_WINDOW));
        // The latest month touched (in any plan zone) ends, plus a day of grace, before now.
        assertThat(workload.lastCompleted.plus(java.time.Duration.ofDays(3))).isBefore(NOW);
        assertThat(workload.expected.keySet()).anyMatch(key -> key.endsWith("2026-09")).anyMatch(key -> key.endsWith("2026-10"));
    }

    @Test
    void oneRecordInAHundredIsInvalidAndEveryKindOccurs() {
        Workload workload = workload(Scenario.CRASH);

        assertThat(workload.invalid).hasSize(Size.reducedForm().requests() / 100);
        assertThat(EnumSet.copyOf(workload.invalid.values())).containsExactlyInAnyOrder(Reason.MALFORMED,
                Reason.MISSING_ID, Reason.KEY_MISMATCH, Reason.INVALID_TOKENS, Reason.FUTURE_TIMESTAMP,
                Reason.INVALID_TIMESTAMP, Reason.UNKNOWN_MODEL, Reason.TOO_LATE);
    }

    @Test
    void producerRetriesResendATenthAndOthersAHundredth() {
        int requests = Size.reducedForm().requests();

        assertThat(workload(Scenario.PRODUCER_RETRIES).copies).isBetween(requests / 12, requests / 8);
        assertThat(workload(Scenario.CRASH).copies).isBetween(requests / 200, requests / 50);
    }

    @Test
    void lateDataDelaysATenthAndHoldsAHundredthBackForAfterTheMonthsClose() {
        Workload workload = workload(Scenario.LATE_DATA);
        int requests = Size.reducedForm().requests();

        assertThat(workload.delayed).isBetween(requests / 14, requests / 7);
        assertThat(workload.stragglers).isNotEmpty()
                .allMatch(send -> send.kind() != Workload.Kind.INVALID);
        assertThat(workload.sends.size() + workload.stragglers.size())
                .isEqualTo(requests + workload.copies + workload.invalid.size());
    }

    /**
     * The expected side is the oracle's lines for one Team month ($1 credit, $5 ceiling) of three requests costing
     * $1.20 (Express), $2.40 and $4.00 (Deep Thought), written out here by rules 7 and 10 with BigDecimal: usage
     * $7.60, credit applied $1, $2.60 over the ceiling, TOTAL min(7.60, 5) - 1 = $4, due $4.00.
     */
    @Test
    void oracleFiguresEqualTheInvoiceSetsBuiltForTheSameMonth() {
        BigDecimal usage = new BigDecimal("1.2").add(new BigDecimal("2.4")).add(new BigDecimal("4.0"));
        BigDecimal credit = BigDecimal.ONE;
        BigDecimal ceiling = new BigDecimal("5");
        BigDecimal total = usage.min(ceiling).subtract(credit).max(BigDecimal.ZERO);
        MonthFigures expected = new MonthFigures();
        List.of(oracleLine("USAGE", "EXPRESS", 1, 1_000, 200, new BigDecimal("1.2"), null),
                oracleLine("USAGE", "DEEP_THOUGHT", 2, 5_500, 1_100, new BigDecimal("6.4"), null),
                oracleLine("INCLUDED_CREDIT", null, 0, 0, 0, usage.min(credit).negate(), null),
                oracleLine("CEILING_ADJUSTMENT", null, 0, 0, 0, usage.subtract(ceiling).max(BigDecimal.ZERO).negate(), null),
                oracleLine("TOTAL", null, 3, 0, 0, total, total.setScale(2, RoundingMode.HALF_UP)))
                .forEach(expected::add);

        // The original set had the first two requests; a late request made a supplemental set.
        PlanTerms team = new PlanTerms(1_000_000_000L, 5_000_000_000L);
        List<LaneUsage> before = List.of(new LaneUsage(Lane.EXPRESS.name(), 1L, 1_000L, 200L, 1_200_000_000L),
                new LaneUsage(Lane.DEEP_THOUGHT.name(), 1L, 500L, 100L, 2_400_000_000L));
        List<LaneUsage> after = List.of(new LaneUsage(Lane.EXPRESS.name(), 1L, 1_000L, 200L, 1_200_000_000L),
                new LaneUsage(Lane.DEEP_THOUGHT.name(), 2L, 5_500L, 1_100L, 6_400_000_000L));
        List<InvoiceLine> lines = new ArrayList<>(InvoiceBuilder.lines("acct-000", "2026-10", before, List.of(), team, 0));
        lines.addAll(InvoiceBuilder.lines("acct-000", "2026-10", after, before, team, 1));
        MonthFigures invoiced = new MonthFigures();
        lines.forEach(invoiced::add);

        assertThat(invoiced).isEqualTo(expected);
        MonthFigures originalOnly = new MonthFigures();
        lines.stream().filter(line -> line.getInvoiceSet() == 0).forEach(originalOnly::add);
        assertThat(originalOnly).isNotEqualTo(expected);
    }

    private static OracleOutputs.Line oracleLine(String type, String lane, long requests, long input, long output,
                                                 BigDecimal amount, BigDecimal due) {
        return new OracleOutputs.Line("acct-000", "2026-10", type, lane, requests, input, output, amount, due, false, 0);
    }
}
