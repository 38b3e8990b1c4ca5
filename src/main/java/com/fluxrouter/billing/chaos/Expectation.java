package com.fluxrouter.billing.chaos;

import com.fluxrouter.billing.catalog.CatalogRules;
import com.fluxrouter.billing.catalog.PublishedPriceList;
import com.fluxrouter.billing.intake.PricedCandidate;
import com.fluxrouter.billing.intake.RequestPricing;
import com.fluxrouter.billing.metering.BillingCalendar;
import com.fluxrouter.billing.metering.PlanTimeline;
import com.fluxrouter.billing.pricing.Rate;
import com.fluxrouter.billing.schema.AccountPlan;
import com.fluxrouter.billing.schema.ModelLane;
import com.fluxrouter.billing.schema.RoutedRequest;

import java.time.YearMonth;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The oracle: what the billing rules give for a set of distinct valid requests, computed without Kafka and without
 * the pipeline's stateful code (no MeterProcessor, no stores, no deduplication, no clock): each request is priced
 * with the published price list by the pure pricing rules (rules 1 and 2), put in its month by the account's plan
 * zone (rule 5), and each account-month is settled against its plan terms (rules 6 and 7) once, as if it closed
 * after every request was in. Fault-free and order-free by construction, so any difference from the pipeline's
 * invoice lines is the pipeline's.
 */
final class Expectation {
    /** What one valid request must be priced at. */
    record Priced(String accountMonth, long costNanos) {
    }

    private final Map<String, ModelLane> models = PublishedPriceList.models().stream()
            .collect(Collectors.toMap(ModelLane::getModelId, Function.identity()));
    private final List<Rate> rates = PublishedPriceList.rates().stream().map(CatalogRules::toRate).toList();
    private final Map<String, PlanTimeline> timelines = new HashMap<>();
    private final Map<String, MonthFigures> months = new TreeMap<>();
    private final Map<String, ZonedMonth> zonedMonths = new HashMap<>();

    private record ZonedMonth(String account, YearMonth month, ZoneId zone) {
    }

    Expectation(List<AccountPlan> plans) {
        Map<String, List<AccountPlan>> byAccount = plans.stream().collect(Collectors.groupingBy(AccountPlan::getAccountId));
        byAccount.forEach((account, versions) -> timelines.put(account, PlanTimeline.of(versions.stream()
                .sorted((a, b) -> a.getEffectiveFrom().compareTo(b.getEffectiveFrom())).toList())));
    }

    static String accountMonth(String account, String month) {
        return account + " " + month;
    }

    /** Adds a distinct valid request; returns what it must be priced at. */
    Priced add(RoutedRequest request) {
        PricedCandidate priced = RequestPricing.price(request, models.get(request.getServedModel()), rates);
        PlanTimeline timeline = timeline(request.getAccountId());
        ZoneId zone = timeline.zoneAt(request.getCompletedAt().toEpochMilli());
        YearMonth month = BillingCalendar.monthOf(request.getCompletedAt().toEpochMilli(), zone);
        String key = accountMonth(request.getAccountId(), month.toString());
        months.computeIfAbsent(key, k -> new MonthFigures())
                .add(priced.lane(), request.getInputTokens(), request.getOutputTokens(), priced.price().totalNanos());
        zonedMonths.putIfAbsent(key, new ZonedMonth(request.getAccountId(), month, zone));
        return new Priced(key, priced.price().totalNanos());
    }

    /** Every account-month settled against its plan terms: the figures its invoice sets must add up to. */
    Map<String, MonthFigures> settled() {
        months.forEach((key, figures) -> {
            ZonedMonth zoned = zonedMonths.get(key);
            figures.settle(timeline(zoned.account()).termsFor(zoned.month(), zoned.zone()));
        });
        return months;
    }

    private PlanTimeline timeline(String account) {
        return timelines.getOrDefault(account, PlanTimeline.of(null));
    }
}
