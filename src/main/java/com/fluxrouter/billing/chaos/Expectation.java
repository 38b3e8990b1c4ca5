package com.fluxrouter.billing.chaos;

import com.fluxrouter.billing.catalog.PublishedPriceList;
import com.fluxrouter.billing.oracle.BillingOracle;
import com.fluxrouter.billing.oracle.OracleInputs;
import com.fluxrouter.billing.oracle.OracleOutputs;
import com.fluxrouter.billing.schema.AccountPlan;
import com.fluxrouter.billing.schema.RoutedRequest;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The expected side of the verdict: what the billing rules give for a set of distinct valid requests, computed by
 * the independent oracle ({@link BillingOracle}, written from docs/billing-rules.md without the pipeline's pricing,
 * metering or invoicing code), fed the published catalog models (inputs), the rules' published rates and the
 * workload's plans. Order-free by construction: the oracle runs with a wall clock, deduplication window and grace
 * no request reaches, so nothing is judged late or closed until {@link #settled()} closes every month once, as if
 * it closed after every request was in; the pipeline's original plus supplemental sets must add up to that.
 */
final class Expectation {
    /** What one valid request must be priced at. */
    record Priced(String accountMonth, long costNanos) {
    }

    /** Far enough that no request is in the future, too late or in a closed month before {@link #settled()}. */
    private static final Duration NEVER = Duration.ofDays(1_000_000);
    private static final Instant FAR_FUTURE = Instant.parse("9000-01-01T00:00:00Z");

    private final BillingOracle oracle = new BillingOracle(FAR_FUTURE, NEVER, NEVER).withPublishedRates().moneyOnly();

    Expectation(List<AccountPlan> plans) {
        PublishedPriceList.models().forEach(model -> oracle.publishModel(model.getModelId(), model.getLane()));
        for (AccountPlan plan : plans) {
            // published before every request, as the run takes in every plan before producing
            oracle.publishPlan(new OracleInputs.Plan(plan.getAccountId(), plan.getIncludedCreditUsd(),
                    plan.getSpendCeilingUsd(), plan.getBillingTimeZone(), plan.getEffectiveFrom()),
                    BillingOracle.EARLIEST_VALID);
        }
    }

    static String accountMonth(String account, String month) {
        return account + " " + month;
    }

    /**
     * Adds a distinct valid request; returns what it must be priced at.
     *
     * @throws IllegalStateException when the oracle does not price it: the workload built an invalid "valid" request
     */
    Priced add(RoutedRequest request) {
        OracleOutputs.Outcome outcome = oracle.accept(new OracleInputs.Request(request.getAccountId(),
                request.getRequestId(), request.getServedModel(), request.getLane(), request.getInputTokens(),
                request.getOutputTokens(), request.getCompletedAt(), request.getCompletedAt()));
        if (!outcome.isPriced()) {
            throw new IllegalStateException("the rules do not price " + request.getRequestId() + ": " + outcome.verdict());
        }
        OracleOutputs.Priced priced = outcome.priced();
        return new Priced(accountMonth(priced.account(), priced.month()), MonthFigures.nanos(priced.costUsd()));
    }

    /**
     * Rule 12 B: what the account's spend status must say at {@code asOf}, from every request added (their months
     * as they stand) and the account's plan; its reason is null (when a status is emitted is not checked here).
     */
    OracleOutputs.Status statusAt(String account, Instant asOf) {
        return oracle.statusAt(account, asOf);
    }

    /** Every account-month closed once by the oracle: the figures its invoice sets must add up to. */
    Map<String, MonthFigures> settled() {
        oracle.advanceWallClock(Instant.MAX);
        Map<String, MonthFigures> months = new TreeMap<>();
        for (OracleOutputs.Line line : oracle.lines()) {
            months.computeIfAbsent(accountMonth(line.account(), line.month()), k -> new MonthFigures()).add(line);
        }
        return months;
    }
}
