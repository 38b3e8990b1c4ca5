package com.fluxrouter.billing.metering;

import com.fluxrouter.billing.pricing.Lane;
import com.fluxrouter.billing.pricing.Price;
import com.fluxrouter.billing.schema.state.LaneUsage;
import com.fluxrouter.billing.schema.state.MonthLedger;

import java.util.ArrayList;
import java.util.List;

/** State transitions of an account-month's {@link MonthLedger}; plain Java, no Kafka. */
public final class Ledgers {
    private Ledgers() {
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
     * Throws, changing nothing, if adding the request to the ledger (null: a new one) would overflow any sum.
     *
     * @throws ArithmeticException on overflow
     */
    public static void checkAdd(MonthLedger ledger, Lane lane, long inputTokens, long outputTokens, Price price) {
        long cost = Math.addExact(price.inputNanos(), price.outputNanos());
        if (ledger == null) {
            return;
        }
        Math.addExact(usageNanos(ledger.getLanes()), cost);
        LaneUsage usage = find(ledger.getLanes(), lane);
        if (usage != null) {
            Math.addExact(usage.getInputTokens(), inputTokens);
            Math.addExact(usage.getOutputTokens(), outputTokens);
            Math.addExact(usage.getAmountNanos(), cost);
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

    /** A deep copy, so that the invoiced snapshot does not move with the live totals. */
    public static List<LaneUsage> copy(List<LaneUsage> lanes) {
        List<LaneUsage> copy = new ArrayList<>(lanes.size());
        for (LaneUsage lane : lanes) {
            copy.add(LaneUsage.newBuilder(lane).build());
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
