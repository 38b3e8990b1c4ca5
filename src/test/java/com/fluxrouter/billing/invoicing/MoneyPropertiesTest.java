package com.fluxrouter.billing.invoicing;

import com.fluxrouter.billing.catalog.CatalogRules;
import com.fluxrouter.billing.intake.PricedCandidate;
import com.fluxrouter.billing.intake.RequestPricing;
import com.fluxrouter.billing.metering.Ledgers;
import com.fluxrouter.billing.metering.PlanTerms;
import com.fluxrouter.billing.pricing.Lane;
import com.fluxrouter.billing.pricing.Money;
import com.fluxrouter.billing.pricing.Price;
import com.fluxrouter.billing.pricing.Rate;
import com.fluxrouter.billing.pricing.RateRules;
import com.fluxrouter.billing.schema.InvoiceLine;
import com.fluxrouter.billing.schema.LaneRate;
import com.fluxrouter.billing.schema.ModelLane;
import com.fluxrouter.billing.schema.RoutedRequest;
import com.fluxrouter.billing.schema.state.LaneUsage;
import com.fluxrouter.billing.schema.state.MonthLedger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Properties of the pure pricing and period code, over seeded random inputs (each seed is one case; a failure
 * names its seed, so it replays exactly). Where rounding happens: nowhere in a cost or a sum. A valid rate has at
 * most 3 decimals per 1M tokens, i.e. a whole number of nano-dollars per token, so every cost, lane line, usage,
 * credit and overage is an exact integer of nano-dollars; the one rounding is a TOTAL's amount_due, half-up to
 * cents, taken of the month's exact overage.
 */
class MoneyPropertiesTest {
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);
    private static final Instant AT = Instant.parse("2026-10-10T10:00:00Z");

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 100);
    }

    // ---- generators

    /** A valid rate per 1M tokens: at most 3 decimals, 0 to $1,000,000; mostly small, sometimes extreme. */
    private static BigDecimal rate(Random random) {
        long thousandths = switch (random.nextInt(4)) {
            case 0 -> random.nextInt(10_001);                             // $0 to $10
            case 1 -> random.nextInt(1_000_001);                          // to $1,000
            case 2 -> random.nextLong(1_000_000_001L);                    // to $1,000,000
            default -> random.nextBoolean() ? 0 : 1_000_000_000L;         // the bounds
        };
        return BigDecimal.valueOf(thousandths, 3);
    }

    private static long tokens(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> random.nextInt(1_000);
            case 1 -> random.nextInt(100_000);
            case 2 -> random.nextInt(10_000_001);
            default -> random.nextBoolean() ? 0 : 10_000_000;
        };
    }

    private static Rate laneRate(Lane lane, BigDecimal input, BigDecimal output) {
        LaneRate rate = new LaneRate(lane.name(), input, output, Instant.parse("2020-01-01T00:00:00Z"));
        assertThat(RateRules.problem("input", input)).isEmpty();
        assertThat(RateRules.problem("output", output)).isEmpty();
        return CatalogRules.toRate(rate);
    }

    private static PricedCandidate price(Lane lane, long input, long output, Rate rate) {
        RoutedRequest request = RoutedRequest.newBuilder().setRequestId("r").setAccountId("a")
                .setRequestedModel("flux-auto").setServedModel("m").setLane(null).setInputTokens(input)
                .setOutputTokens(output).setCompletedAt(AT).setQuotedCostUsd(null).build();
        return RequestPricing.price(request, new ModelLane("m", lane.name()), List.of(rate));
    }

    private static BigDecimal usd(long nanos) {
        return BigDecimal.valueOf(nanos, 9);
    }

    // ---- cost

    /**
     * cost(tokens) = input × input rate / 1M + output × output rate / 1M exactly (no rounding at all), and
     * cost(a + b) = cost(a) + cost(b) to the nano-dollar, for any split of a request's tokens.
     */
    @ParameterizedTest
    @MethodSource("seeds")
    void costIsExactAndLinearInTokens(long seed) {
        Random random = new Random(seed);
        Lane lane = Lane.values()[random.nextInt(3)];
        BigDecimal inputRate = rate(random);
        BigDecimal outputRate = rate(random);
        Rate rate = laneRate(lane, inputRate, outputRate);
        long input = tokens(random);
        long output = tokens(random);
        long inputPart = input == 0 ? 0 : random.nextLong(input + 1);
        long outputPart = output == 0 ? 0 : random.nextLong(output + 1);

        Price whole = price(lane, input, output, rate).price();
        Price first = price(lane, inputPart, outputPart, rate).price();
        Price rest = price(lane, input - inputPart, output - outputPart, rate).price();

        BigDecimal exact = BigDecimal.valueOf(input).multiply(inputRate)
                .add(BigDecimal.valueOf(output).multiply(outputRate)).divide(MILLION);
        assertThat(usd(whole.totalNanos())).isEqualByComparingTo(exact);
        assertThat(exact.stripTrailingZeros().scale()).as("a cost never needs more than 9 decimals").isLessThanOrEqualTo(9);
        assertThat(whole.inputNanos()).isEqualTo(first.inputNanos() + rest.inputNanos());
        assertThat(whole.outputNanos()).isEqualTo(first.outputNanos() + rest.outputNanos());
        assertThat(whole.totalNanos()).isEqualTo(first.totalNanos() + rest.totalNanos());
        // scaling: k requests of the same size cost k times one
        int k = 1 + random.nextInt(5);
        if (input * k <= 10_000_000 && output * k <= 10_000_000) {
            assertThat(price(lane, input * k, output * k, rate).price().totalNanos()).isEqualTo(k * whole.totalNanos());
        }
    }

    // ---- a month's invoice

    /** A month of random requests on random rates, and what was added, lane by lane. */
    private record Month(MonthLedger ledger, Map<Lane, long[]> added, long usageNanos) {
    }

    private static Month month(Random random, PlanTerms terms, int requests) {
        Map<Lane, Rate> rates = new EnumMap<>(Lane.class);
        for (Lane lane : Lane.values()) {
            rates.put(lane, laneRate(lane, rate(random).min(BigDecimal.valueOf(100)), rate(random).min(BigDecimal.valueOf(100))));
        }
        MonthLedger ledger = Ledgers.open("a", "2026-10", "Z", 0, terms);
        Map<Lane, long[]> added = new EnumMap<>(Lane.class);
        long usage = 0;
        for (int i = 0; i < requests; i++) {
            Lane lane = Lane.values()[random.nextInt(3)];
            long input = tokens(random);
            long output = tokens(random);
            Price price = price(lane, input, output, rates.get(lane)).price();
            Ledgers.add(ledger, lane, input, output, price);
            long[] sums = added.computeIfAbsent(lane, l -> new long[4]);
            sums[0]++;
            sums[1] += input;
            sums[2] += output;
            sums[3] += price.totalNanos();
            usage += price.totalNanos();
        }
        return new Month(ledger, added, usage);
    }

    private static PlanTerms terms(Random random, long usage) {
        // Around the usage, so that credit and ceiling fall below, at and above it.
        long credit = switch (random.nextInt(4)) {
            case 0 -> 0;
            case 1 -> usage;
            default -> random.nextLong(2 * Math.max(usage, 1));
        };
        long ceiling = switch (random.nextInt(4)) {
            case 0 -> PlanTerms.NO_CEILING;
            case 1 -> credit;
            default -> credit + random.nextLong(2 * Math.max(usage, 1));
        };
        return new PlanTerms(credit, ceiling);
    }

    /** The rule's formula, in BigDecimal: max(0, min(usage, ceiling) − credit), rounded half-up to cents. */
    private static BigDecimal amountDue(long usage, PlanTerms terms) {
        BigDecimal billable = usd(Math.min(usage, terms.ceilingNanos()));
        return billable.subtract(usd(terms.creditNanos())).max(BigDecimal.ZERO).setScale(2, RoundingMode.HALF_UP);
    }

    private static long sum(List<InvoiceLine> lines, String type) {
        return lines.stream().filter(l -> l.getLineType().equals(type))
                .mapToLong(l -> Money.toNanos(l.getAmountUsd())).sum();
    }

    /**
     * Σ USAGE lines = usage, each lane's line = what its requests cost, the TOTAL = Σ lines = overage, and
     * amount_due = max(0, min(usage, ceiling) − credit) rounded half-up to cents.
     */
    @ParameterizedTest
    @MethodSource("seeds")
    void invoiceLinesAddUpToTheUsageAndTheAmountDueIsTheRuleRoundedHalfUp(long seed) {
        Random random = new Random(seed);
        Month month = month(random, PlanTerms.PAY_AS_YOU_GO, 1 + random.nextInt(30));
        PlanTerms terms = terms(random, month.usageNanos());
        Ledgers.setTerms(month.ledger(), terms);

        List<InvoiceLine> lines = InvoiceBuilder.lines("a", "2026-10", month.ledger().getLanes(), List.of(), terms, 0);

        assertThat(sum(lines, InvoiceBuilder.USAGE)).isEqualTo(month.usageNanos());
        for (InvoiceLine line : lines) {
            if (line.getLineType().equals(InvoiceBuilder.USAGE)) {
                long[] added = month.added().get(Lane.valueOf(line.getLane()));
                assertThat(new long[] {line.getRequests(), line.getInputTokens(), line.getOutputTokens(),
                        Money.toNanos(line.getAmountUsd())}).as(line.getLane()).containsExactly(added);
            }
        }
        InvoiceLine total = lines.get(lines.size() - 1);
        assertThat(total.getLineType()).isEqualTo(InvoiceBuilder.TOTAL);
        long lineSum = sum(lines, InvoiceBuilder.USAGE) + sum(lines, InvoiceBuilder.INCLUDED_CREDIT)
                + sum(lines, InvoiceBuilder.CEILING_ADJUSTMENT);
        assertThat(Money.toNanos(total.getAmountUsd())).isEqualTo(lineSum)
                .isEqualTo(Math.max(0, Math.min(month.usageNanos(), terms.ceilingNanos()) - terms.creditNanos()));
        assertThat(total.getAmountDueUsd()).isEqualByComparingTo(amountDue(month.usageNanos(), terms));
        assertThat(total.getRequests()).isEqualTo(month.added().values().stream().mapToLong(a -> a[0]).sum());
    }

    /** Half a cent exactly rounds up, a nano-dollar less rounds down, on either side of every cent. */
    @ParameterizedTest
    @MethodSource("seeds")
    void amountDueRoundsHalfUpAtTheHalfCent(long seed) {
        Random random = new Random(seed);
        long cents = random.nextInt(1_000_000);
        long offset = switch (random.nextInt(3)) {
            case 0 -> Money.NANOS_PER_CENT / 2;
            case 1 -> Money.NANOS_PER_CENT / 2 - 1;
            default -> random.nextLong(Money.NANOS_PER_CENT);
        };
        long overage = cents * Money.NANOS_PER_CENT + offset;
        long credit = random.nextInt(1_000) * 1_000_000L;
        PlanTerms terms = new PlanTerms(credit, PlanTerms.NO_CEILING);
        List<LaneUsage> lanes = List.of(new LaneUsage(Lane.EXPRESS.name(), 1L, 1L, 0L, overage + credit));

        List<InvoiceLine> lines = InvoiceBuilder.lines("a", "2026-10", lanes, List.of(), terms, 0);
        InvoiceLine total = lines.get(lines.size() - 1);

        assertThat(total.getAmountDueUsd()).isEqualByComparingTo(amountDue(overage + credit, terms));
        assertThat(Money.toNanos(total.getAmountDueUsd()))
                .isEqualTo((cents + (offset >= Money.NANOS_PER_CENT / 2 ? 1 : 0)) * Money.NANOS_PER_CENT);
    }

    /**
     * However a month's requests are split into an original set and supplemental sets, the sets' TOTALs add up to
     * the month's overage and their amounts due to it rounded half-up: late requests never change what is owed.
     */
    @ParameterizedTest
    @MethodSource("seeds")
    void invoiceSetsAddUpToTheWholeMonthHoweverItIsSplit(long seed) {
        Random random = new Random(seed);
        Month month = month(random, PlanTerms.PAY_AS_YOU_GO, 2 + random.nextInt(20));
        PlanTerms terms = terms(random, month.usageNanos());
        // Grow the month again lane by lane in random steps, invoicing (closing, then late requests) in between.
        List<LaneUsage> invoiced = new ArrayList<>();
        long exact = 0;
        long due = 0;
        int set = 0;
        MonthLedger growing = Ledgers.open("a", "2026-10", "Z", 0, terms);
        for (LaneUsage lane : month.ledger().getLanes()) {
            long left = lane.getRequests();
            while (left > 0) {
                long step = 1 + random.nextLong(left);
                long amount = lane.getAmountNanos() * step / lane.getRequests();
                if (step == left) {
                    LaneUsage so = Ledgers.find(growing.getLanes(), Lane.valueOf(lane.getLane()));
                    amount = lane.getAmountNanos() - (so == null ? 0 : so.getAmountNanos());
                }
                Ledgers.add(growing, Lane.valueOf(lane.getLane()), 0, 0, new Price(amount, 0));
                left -= step;
                if (left > 0 || random.nextBoolean()) {
                    List<InvoiceLine> lines = InvoiceBuilder.lines("a", "2026-10", growing.getLanes(), invoiced, terms, set++);
                    InvoiceLine total = lines.get(lines.size() - 1);
                    exact += Money.toNanos(total.getAmountUsd());
                    due += Money.toNanos(total.getAmountDueUsd());
                    invoiced = Ledgers.copy(growing.getLanes());
                }
            }
        }
        List<InvoiceLine> last = InvoiceBuilder.lines("a", "2026-10", growing.getLanes(), invoiced, terms, set);
        exact += Money.toNanos(last.get(last.size() - 1).getAmountUsd());
        due += Money.toNanos(last.get(last.size() - 1).getAmountDueUsd());

        assertThat(Ledgers.usageNanos(growing.getLanes())).isEqualTo(month.usageNanos());
        assertThat(exact).isEqualTo(Math.max(0, Math.min(month.usageNanos(), terms.ceilingNanos()) - terms.creditNanos()));
        assertThat(usd(due)).isEqualByComparingTo(amountDue(month.usageNanos(), terms));
    }
}
