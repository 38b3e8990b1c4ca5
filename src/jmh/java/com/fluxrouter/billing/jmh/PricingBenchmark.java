package com.fluxrouter.billing.jmh;

import com.fluxrouter.billing.catalog.CatalogRules;
import com.fluxrouter.billing.catalog.PublishedPriceList;
import com.fluxrouter.billing.intake.PricedCandidate;
import com.fluxrouter.billing.intake.RequestPricing;
import com.fluxrouter.billing.metering.BillingCalendar;
import com.fluxrouter.billing.pricing.Money;
import com.fluxrouter.billing.pricing.Rate;
import com.fluxrouter.billing.schema.ModelLane;
import com.fluxrouter.billing.schema.RoutedRequest;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The per-request arithmetic of the pricing path, without Kafka: pricing a request against the rate versions, the
 * account-month of an instant and the month's close, and the nano-dollar to decimal conversion done for every
 * output field. Run with {@code mvn -Pjmh package} and {@code java -jar target/flux-billing-jmh.jar}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PricingBenchmark {
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    private RoutedRequest request;
    private ModelLane model;
    private List<Rate> rates;
    private long at;
    private long nanos;

    @Setup
    public void setUp() {
        model = PublishedPriceList.models().get(0);
        rates = PublishedPriceList.rates().stream().map(CatalogRules::toRate).toList();
        at = Instant.parse("2026-11-27T10:15:30Z").toEpochMilli();
        nanos = 1_234_567_891L;
        request = RoutedRequest.newBuilder()
                .setRequestId("r-1").setAccountId("acct-001").setRequestedModel("flux-auto")
                .setServedModel(model.getModelId()).setLane(model.getLane())
                .setInputTokens(1_843).setOutputTokens(231)
                .setCompletedAt(Instant.ofEpochMilli(at)).setQuotedCostUsd(null).build();
    }

    @Benchmark
    public PricedCandidate priceRequest() {
        return RequestPricing.price(request, model, rates);
    }

    @Benchmark
    public YearMonth monthOfUtc() {
        return BillingCalendar.monthOf(at, ZoneOffset.UTC);
    }

    @Benchmark
    public YearMonth monthOfNewYork() {
        return BillingCalendar.monthOf(at, NEW_YORK);
    }

    @Benchmark
    public long monthCloseNewYork() {
        return BillingCalendar.end(BillingCalendar.monthOf(at, NEW_YORK), NEW_YORK);
    }

    @Benchmark
    public BigDecimal nanosToUsd() {
        return Money.toUsd(nanos);
    }
}
