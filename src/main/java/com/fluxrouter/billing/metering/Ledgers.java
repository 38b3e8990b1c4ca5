package com.fluxrouter.billing.metering;

import com.fluxrouter.billing.errors.Reason;
import com.fluxrouter.billing.errors.RejectedException;
import com.fluxrouter.billing.pricing.Lane;
import com.fluxrouter.billing.pricing.Money;
import com.fluxrouter.billing.pricing.Price;
import com.fluxrouter.billing.schema.state.LaneUsage;
import com.fluxrouter.billing.schema.state.MonthLedger;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/** State transitions of an account-month's {@link MonthLedger}; plain Java, no Kafka. */
public final class Ledgers {
    private Ledgers() {
    }

    /**
     * A copy of the account-month that can be changed without changing {@code ledger}: its lists and lane usages are
     * new objects; strings and numbers, immutable, are shared. Built with the generated all-fields constructors, so a
     * field added to either schema fails to compile here instead of being left out of the copy. (Avro's
     * {@code newBuilder(ledger)} copies each field through the schema: 2.4 % of the stream thread, once per request.)
     */
    public static MonthLedger copy(MonthLedger ledger) {
        return new MonthLedger(ledger.getAccountId(), ledger.getBillingMonth(), ledger.getTimeZone(),
                ledger.getCloseAt(), copy(ledger.getLanes()), ledger.getCreditNanos(), ledger.getCeilingNanos(),
                ledger.getOverageNanos(), ledger.getAlertsFired(), ledger.getClosed(), copy(ledger.getInvoicedLanes()),
                ledger.getInvoiceSets(), ledger.getFirstUsageAt());
    }

    public static MonthLedger open(String accountId, String month, String zone, long closeAt, PlanTerms terms) {
        return MonthLedger.newBuilder()
                .setAccountId(accountId)
                .setBillingMonth(month)
                .setTimeZone(zone)
                .setCloseAt(closeAt)
                .setLanes(new ArrayList<>(Lane.values().length))
                .setCreditNanos(terms.creditNanos())
                .setCeilingNanos(terms.hasCeiling() ? terms.ceilingNanos() : null)
                .setOverageNanos(0)
                .setAlertsFired(0)
                .setClosed(false)
                .setInvoicedLanes(new ArrayList<>(0))
                .setInvoiceSets(0)
                .build();
    }

    /**
     * Rule 6: notes that the month served a request completed at {@code completedAt} (epoch ms), keeping the earliest.
     * A month opened before {@code first_usage_at} existed keeps it null: its first usage is unknown, read as its start.
     */
    public static void noteUsageAt(MonthLedger ledger, long completedAt) {
        Long first = ledger.getFirstUsageAt();
        if (first != null && completedAt < first) {
            ledger.setFirstUsageAt(completedAt);
        }
    }

    /**
     * Rule 6: the earliest completed_at (epoch ms) of the month's usage, its start when unknown (a month opened before
     * the field existed), {@link Long#MAX_VALUE} when it has served nothing.
     */
    public static long firstUsageAt(MonthLedger ledger) {
        if (ledger.getFirstUsageAt() != null) {
            return ledger.getFirstUsageAt();
        }
        if (ledger.getLanes().isEmpty()) {
            return Long.MAX_VALUE;
        }
        return BillingCalendar.start(BillingCalendar.parseMonth(ledger.getBillingMonth()), ZoneId.of(ledger.getTimeZone()));
    }

    /** Adds one accepted request to its lane, keeping lanes in lane order. */
    public static void add(MonthLedger ledger, Lane lane, long inputTokens, long outputTokens, Price price) {
        LaneUsage usage = find(ledger.getLanes(), lane);
        if (usage == null) {
            usage = new LaneUsage(lane.name(), 0L, 0L, 0L, 0L);
            insertInLaneOrder(ledger.getLanes(), usage);
        }
        usage.setRequests(usage.getRequests() + 1);
        usage.setInputTokens(Math.addExact(usage.getInputTokens(), inputTokens));
        usage.setOutputTokens(Math.addExact(usage.getOutputTokens(), outputTokens));
        usage.setAmountNanos(Math.addExact(usage.getAmountNanos(), price.totalNanos()));
    }

    /**
     * Rule 7, limits: the most usage an account-month holds, $9,000,000,000 in nano-dollars. Below the 64-bit range
     * ($9,223,372,036.854775807) with room to spare, so no sum, settlement or invoice line of a month can overflow.
     */
    public static final long MAX_USAGE_NANOS = 9_000_000_000_000_000_000L;
    /**
     * Rule 7, limits: the most requests, input tokens and output tokens (each counted over all lanes) an
     * account-month holds; with at most 10,000,000 tokens a request, out of reach of any real traffic, but it makes
     * the invoice TOTAL's sums over lanes unable to overflow.
     */
    public static final long MAX_COUNT = 9_000_000_000_000_000_000L;

    /**
     * Rule 7, limits: throws, changing nothing, if adding the request to the account-month would take its usage
     * past {@link #MAX_USAGE_NANOS} or its requests or tokens past {@link #MAX_COUNT}. Valid requests can reach the
     * usage limit (a request costs up to $20,000,000), so this is a rejection, not a bug.
     *
     * @param ledger       the account-month the request is added to (not changed)
     * @param inputTokens  the request's input tokens (0 to 10,000,000)
     * @param outputTokens the request's output tokens (0 to 10,000,000)
     * @param price        the request's price in nano-dollars
     * @throws RejectedException ACCOUNT_MONTH_LIMIT when a limit would be passed
     */
    public static void checkLimits(MonthLedger ledger, long inputTokens, long outputTokens, Price price) {
        long usage = usageNanos(ledger.getLanes());
        long cost = Math.addExact(price.inputNanos(), price.outputNanos());
        if (cost > MAX_USAGE_NANOS - usage) {
            throw new RejectedException(Reason.ACCOUNT_MONTH_LIMIT, "the request's cost " + Money.toUsd(cost).toPlainString()
                    + " USD would take the usage of account-month " + ledger.getBillingMonth() + " from "
                    + Money.toUsd(usage).toPlainString() + " USD past its limit of "
                    + Money.toUsd(MAX_USAGE_NANOS).toPlainString() + " USD");
        }
        long requests = 0;
        long input = 0;
        long output = 0;
        for (LaneUsage lane : ledger.getLanes()) {
            requests += lane.getRequests();
            input += lane.getInputTokens();
            output += lane.getOutputTokens();
        }
        if (requests >= MAX_COUNT || inputTokens > MAX_COUNT - input || outputTokens > MAX_COUNT - output) {
            throw new RejectedException(Reason.ACCOUNT_MONTH_LIMIT, "account-month " + ledger.getBillingMonth()
                    + " holds " + requests + " requests, " + input + " input and " + output + " output tokens: the"
                    + " request would pass the limit of " + MAX_COUNT + " each");
        }
    }

    public static PlanTerms terms(MonthLedger ledger) {
        Long ceiling = ledger.getCeilingNanos();
        return new PlanTerms(ledger.getCreditNanos(), ceiling == null ? PlanTerms.NO_CEILING : ceiling);
    }

    public static void setTerms(MonthLedger ledger, PlanTerms terms) {
        ledger.setCreditNanos(terms.creditNanos());
        ledger.setCeilingNanos(terms.hasCeiling() ? terms.ceilingNanos() : null);
    }

    public static Settlement settlement(MonthLedger ledger) {
        return new Settlement(usageNanos(ledger.getLanes()), terms(ledger));
    }

    public static long usageNanos(List<LaneUsage> lanes) {
        long total = 0;
        for (LaneUsage lane : lanes) {
            total = Math.addExact(total, lane.getAmountNanos());
        }
        return total;
    }

    public static LaneUsage find(List<LaneUsage> lanes, Lane lane) {
        for (LaneUsage usage : lanes) {
            if (usage.getLane().equals(lane.name())) {
                return usage;
            }
        }
        return null;
    }

    /**
     * A deep copy, so that the invoiced snapshot does not move with the live totals (and a step's working ledger not
     * with the stored one, {@link #copy(MonthLedger)}), with room for every lane.
     */
    public static List<LaneUsage> copy(List<LaneUsage> lanes) {
        List<LaneUsage> copy = new ArrayList<>(Math.max(lanes.size(), Lane.values().length));
        for (LaneUsage lane : lanes) {
            copy.add(new LaneUsage(lane.getLane(), lane.getRequests(), lane.getInputTokens(), lane.getOutputTokens(),
                    lane.getAmountNanos()));
        }
        return copy;
    }

    private static void insertInLaneOrder(List<LaneUsage> lanes, LaneUsage usage) {
        int order = Lane.valueOf(usage.getLane()).ordinal();
        int at = 0;
        while (at < lanes.size() && Lane.valueOf(lanes.get(at).getLane()).ordinal() < order) {
            at++;
        }
        lanes.add(at, usage);
    }
}
