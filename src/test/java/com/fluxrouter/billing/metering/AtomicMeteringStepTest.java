package com.fluxrouter.billing.metering;

import com.fluxrouter.billing.PipelineTest;
import com.fluxrouter.billing.errors.Reason;
import com.fluxrouter.billing.pricing.Lane;
import com.fluxrouter.billing.schema.InvoiceLine;
import com.fluxrouter.billing.schema.OverageUpdate;
import com.fluxrouter.billing.schema.PricedRequest;
import com.fluxrouter.billing.schema.RejectedRecord;
import com.fluxrouter.billing.schema.RoutedRequest;
import com.fluxrouter.billing.schema.SpendStatus;
import com.fluxrouter.billing.schema.state.MonthLedger;
import com.fluxrouter.billing.topology.Topics;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 10, atomic billing step, on the production topology: a fault injected at any step of computing a request's
 * result leaves no trace of it (not priced, id not remembered, clock not moved, no overage, alert or invoice line; on
 * the rejected topic as PROCESSING_ERROR only), and the same request sent again once the fault is gone is priced
 * once with the right money. A fault while writing is never a rejection. Invariant after every send: no request id
 * among that send's outputs is both priced and rejected, and no id priced before a fault is ever rejected.
 *
 * <p>acme has $1 of included credit; every request is $2 of Express ($1 per 1M tokens, 2M tokens).
 */
class AtomicMeteringStepTest extends PipelineTest {
    private static final BigDecimal TWO_DOLLARS = new BigDecimal("1").multiply(BigDecimal.valueOf(2_000_000))
            .movePointLeft(6);
    private final Set<String> pricedIds = new HashSet<>();
    private final Set<String> rejectedIds = new HashSet<>();

    @BeforeEach
    void acmeUsedTwoDollarsInOctober() {
        publishPlan(plan("acme", "Starter", "1", null, null, "2026-01-01T00:00:00Z"));
        sendAndCheck(twoDollars("r-october", "2026-10-10T12:00:00Z"));
        drainAll();
    }

    @AfterEach
    void noFaultLeftBehind() {
        MeterTransition.faultPoint = FaultPoint.NONE;
    }

    private RoutedRequest twoDollars(String requestId, String completedAt) {
        return request("acme", Lane.EXPRESS, 1_500_000, 500_000, completedAt).setRequestId(requestId).build();
    }

    /** Sends and checks the invariant on what this send produced; returns the priced requests. */
    private Outputs sendAndCheck(RoutedRequest request) {
        send(request);
        Outputs outputs = new Outputs(priced(), overage(), alerts(), invoiceLines(), rejected(), statuses());
        Set<String> priced = new HashSet<>();
        outputs.priced.forEach(p -> priced.add(p.getRequestId()));
        List<String> rejected = outputs.rejected.stream().map(this::requestIdOf).toList();
        assertThat(rejected).as("priced and rejected by one send").noneMatch(priced::contains);
        assertThat(rejected).as("rejected after being priced").noneMatch(pricedIds::contains);
        pricedIds.addAll(priced);
        rejectedIds.addAll(rejected);
        return outputs;
    }

    private record Outputs(List<PricedRequest> priced, List<OverageUpdate> overage,
                           List<com.fluxrouter.billing.schema.SpendAlert> alerts, List<InvoiceLine> invoiceLines,
                           List<RejectedRecord> rejected, List<SpendStatus> statuses) {
    }

    private void drainAll() {
        priced();
        overage();
        alerts();
        invoiceLines();
        statuses();
        assertThat(rejected()).isEmpty();
    }

    private String requestIdOf(RejectedRecord rejected) {
        return valueOf(rejected).getRequestId();
    }

    private RoutedRequest valueOf(RejectedRecord rejected) {
        ByteBuffer value = rejected.getOriginalValue().duplicate();
        byte[] bytes = new byte[value.remaining()];
        value.get(bytes);
        return serdes.avro(RoutedRequest.class).deserializer().deserialize(Topics.ROUTED, bytes);
    }

    /** Everything the meter keeps: clock, ids, months, deadlines and spend statuses. */
    private record Snapshot(Long clock, List<String> ids, List<KeyValue<String, MonthLedger>> months,
                            List<Bytes> deadlines, List<KeyValue<String, SpendStatus>> statuses) {
    }

    private Snapshot snapshot() {
        KeyValueStore<String, Long> clock = driver.getKeyValueStore(MeteringFlow.CLOCK_STORE);
        return new Snapshot(clock.get("billing-clock"), keys(MeteringFlow.REQUEST_IDS_STORE), entries(MeteringFlow.MONTHS_STORE),
                keys(MeteringFlow.DEADLINES_STORE), entries(MeteringFlow.STATUS_STORE));
    }

    private <K> List<K> keys(String store) {
        List<K> keys = new ArrayList<>();
        KeyValueStore<K, Object> kv = driver.getKeyValueStore(store);
        try (KeyValueIterator<K, Object> all = kv.all()) {
            all.forEachRemaining(entry -> keys.add(entry.key));
        }
        return keys;
    }

    private <K, V> List<KeyValue<K, V>> entries(String store) {
        List<KeyValue<K, V>> entries = new ArrayList<>();
        KeyValueStore<K, V> kv = driver.getKeyValueStore(store);
        try (KeyValueIterator<K, V> all = kv.all()) {
            all.forEachRemaining(entries::add);
        }
        return entries;
    }

    /** The request fails at the step: rejected PROCESSING_ERROR with its bytes, nothing else out, state as before. */
    private void assertFaultLeavesNoTrace(FaultPoint.Step step, RoutedRequest request) {
        Snapshot before = snapshot();
        Outputs outputs;
        try (FaultInjection fault = FaultInjection.always(step)) {
            outputs = sendAndCheck(request);
            assertThat(fault.fired()).as("the fault at " + step + " was reached").isEqualTo(1);
        }
        assertThat(outputs.priced).isEmpty();
        assertThat(outputs.overage).isEmpty();
        assertThat(outputs.alerts).isEmpty();
        assertThat(outputs.invoiceLines).isEmpty();
        assertThat(outputs.statuses).isEmpty();
        assertThat(outputs.rejected).singleElement().satisfies(rejected -> {
            assertThat(rejected.getReason()).isEqualTo(Reason.PROCESSING_ERROR.name());
            assertThat(rejected.getDetail()).contains("injected fault at " + step);
            assertThat(valueOf(rejected)).isEqualTo(request);
        });
        assertThat(snapshot()).isEqualTo(before);
    }

    @ParameterizedTest
    @EnumSource(value = FaultPoint.Step.class, names = {"DEDUPLICATE", "ADVANCE_CLOCK", "CLOSE", "OPEN_MONTH",
            "REMEMBER_ID", "ADD_USAGE", "PRICE", "OVERAGE", "ALERTS", "STATUS"})
    void aFaultAtAnyStepOfARequestThatClosesAMonthLeavesNoTraceAndTheResentRequestIsPricedOnce(FaultPoint.Step step) {
        RoutedRequest november = twoDollars("r-november", "2026-11-03T00:00:00Z");

        assertFaultLeavesNoTrace(step, november);

        Outputs resent = sendAndCheck(november);
        assertThat(resent.priced).singleElement().satisfies(p -> {
            assertThat(p.getRequestId()).isEqualTo("r-november");
            assertThat(p.getBillingMonth()).isEqualTo("2026-11");
            assertThat(p.getCostUsd()).isEqualTo(TWO_DOLLARS.setScale(9));
        });
        // October closes once, now: $2 of usage less $1 of credit
        assertThat(resent.invoiceLines).filteredOn(line -> line.getLineType().equals("TOTAL")).singleElement()
                .satisfies(total -> {
                    assertThat(total.getBillingMonth()).isEqualTo("2026-10");
                    assertThat(total.getAmountDueUsd()).isEqualTo(usd("1.00"));
                    assertThat(total.getSupplemental()).isFalse();
                });
        assertThat(resent.overage).singleElement().satisfies(o -> {
            assertThat(o.getBillingMonth()).isEqualTo("2026-11");
            assertThat(o.getUsageUsd()).isEqualTo(TWO_DOLLARS.setScale(9));
            assertThat(o.getOverageUsd()).isEqualTo(usd("1"));
        });
        assertThat(resent.rejected).isEmpty();
        // Rule 12: November's new period (its PERIOD deadline at Nov 1), then the request's usage
        assertThat(resent.statuses).extracting(SpendStatus::getReason).containsExactly("NEW_PERIOD", "USAGE");

        Outputs again = sendAndCheck(november);
        assertThat(again.priced).as("a duplicate once priced").isEmpty();
        assertThat(again.rejected).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(value = FaultPoint.Step.class, names = {"DEDUPLICATE", "ADVANCE_CLOCK", "OPEN_MONTH", "REMEMBER_ID",
            "ADD_USAGE", "PRICE", "OVERAGE", "ALERTS", "INVOICE", "STATUS"})
    void aFaultAtAnyStepOfALateRequestLeavesNoTraceAndTheResentRequestGetsOneSupplementalSet(FaultPoint.Step step) {
        sendAndCheck(twoDollars("r-november", "2026-11-03T00:00:00Z"));
        RoutedRequest late = twoDollars("r-late", "2026-10-20T00:00:00Z");

        assertFaultLeavesNoTrace(step, late);

        Outputs resent = sendAndCheck(late);
        assertThat(resent.priced).singleElement().satisfies(p -> {
            assertThat(p.getBillingMonth()).isEqualTo("2026-10");
            assertThat(p.getCostUsd()).isEqualTo(TWO_DOLLARS.setScale(9));
        });
        assertThat(resent.invoiceLines).as("the set is pending for the window (rule 11)").isEmpty();
        assertThat(sendAndCheck(late).priced).isEmpty();

        // The billing clock reaches the first late request's clock plus the one-hour window
        Outputs windowPassed = sendAndCheck(twoDollars("r-november-2", "2026-11-03T01:00:00Z"));
        assertThat(windowPassed.invoiceLines).filteredOn(line -> line.getLineType().equals("TOTAL")).singleElement()
                .satisfies(total -> {
                    assertThat(total.getInvoiceSet()).isEqualTo(1);
                    assertThat(total.getSupplemental()).isTrue();
                    assertThat(total.getAmountDueUsd()).isEqualTo(TWO_DOLLARS.setScale(9));
                });
    }

    @Test
    void aFaultEmittingAPendingSetOnTheBillingClockRejectsTheRequestThatMovedItAndTheResentOneEmitsTheSetOnce() {
        sendAndCheck(twoDollars("r-november", "2026-11-03T00:00:00Z"));
        sendAndCheck(twoDollars("r-late", "2026-10-20T00:00:00Z"));
        RoutedRequest mover = twoDollars("r-november-2", "2026-11-03T01:00:00Z");

        assertFaultLeavesNoTrace(FaultPoint.Step.SUPPLEMENT, mover);

        Outputs resent = sendAndCheck(mover);
        assertThat(resent.priced).singleElement().satisfies(p -> assertThat(p.getRequestId()).isEqualTo("r-november-2"));
        assertThat(resent.invoiceLines).filteredOn(line -> line.getLineType().equals("TOTAL")).singleElement()
                .satisfies(total -> {
                    assertThat(total.getInvoiceSet()).isEqualTo(1);
                    assertThat(total.getAmountDueUsd()).isEqualTo(TWO_DOLLARS.setScale(9));
                });
        assertThat(sendAndCheck(twoDollars("r-november-3", "2026-11-03T03:00:00Z")).invoiceLines)
                .as("emitted once").isEmpty();
    }

    @Test
    void aFaultEmittingAPendingSetWhenIdleAppliesNothingAndTheNextCheckEmitsItOnce() {
        // The billing clock is just behind the wall clock, so only the idle flush can emit the set within minutes
        sendAndCheck(twoDollars("r-november", WALL_CLOCK_START.minus(Duration.ofMinutes(1)).toString()));
        sendAndCheck(twoDollars("r-late", "2026-10-25T00:00:00Z"));
        Snapshot before = snapshot();
        try (FaultInjection fault = FaultInjection.always(FaultPoint.Step.SUPPLEMENT)) {
            advanceWallClock(Duration.ofMinutes(6));
            assertThat(fault.fired()).isPositive();
        }
        assertThat(invoiceLines()).isEmpty();
        assertThat(snapshot()).isEqualTo(before);

        advanceWallClock(Duration.ofMinutes(1));

        assertThat(invoiceLines()).filteredOn(line -> line.getLineType().equals("TOTAL")).singleElement()
                .satisfies(total -> {
                    assertThat(total.getSupplemental()).isTrue();
                    assertThat(total.getAmountDueUsd()).isEqualTo(TWO_DOLLARS.setScale(9));
                });
        advanceWallClock(Duration.ofMinutes(1));
        assertThat(invoiceLines()).isEmpty();
    }

    @Test
    void aFaultWhileComputingAnIdleCloseAppliesNothingAndTheNextCheckClosesTheMonthOnce() {
        Snapshot before = snapshot();
        try (FaultInjection fault = FaultInjection.always(FaultPoint.Step.CLOSE)) {
            advanceWallClock(Duration.ofMinutes(6));
            assertThat(fault.fired()).isPositive();
        }
        assertThat(invoiceLines()).isEmpty();
        assertThat(overage()).isEmpty();
        assertThat(rejected()).isEmpty();
        assertThat(snapshot()).isEqualTo(before);

        advanceWallClock(Duration.ofMinutes(1));

        assertThat(invoiceLines()).filteredOn(line -> line.getLineType().equals("TOTAL")).singleElement()
                .satisfies(total -> assertThat(total.getAmountDueUsd()).isEqualTo(usd("1.00")));
        advanceWallClock(Duration.ofMinutes(1));
        assertThat(invoiceLines()).isEmpty();
    }

    @Test
    void aFaultComputingAPlanChangesStatusAppliesNothingRejectsNothingAndTheNextRequestGivesTheStatusUnderIt() {
        statuses();
        Snapshot before = snapshot();
        Instant capped = Instant.parse("2026-10-12T00:00:00Z");
        try (FaultInjection fault = FaultInjection.always(FaultPoint.Step.STATUS)) {
            // A $1 ceiling in force now: acme's $2 would cap it at once
            publishPlan(plan("acme", "Capped", "1", "1", null, capped.toString()), capped);
            assertThat(fault.fired()).isEqualTo(1);
        }
        assertThat(statuses()).isEmpty();
        assertThat(overage()).isEmpty();
        assertThat(alerts()).isEmpty();
        assertThat(rejected()).as("a valid plan is never rejected").isEmpty();
        assertThat(snapshot()).isEqualTo(before);

        assertThat(sendAndCheck(twoDollars("r-october-2", "2026-10-13T00:00:00Z")).statuses).singleElement().satisfies(status -> {
            assertThat(status.getStatus()).isEqualTo("CAPPED");
            assertThat(status.getSpendCeilingUsd()).isEqualByComparingTo("1");
            assertThat(status.getUsageUsd()).isEqualByComparingTo("4");
        });
    }

    @ParameterizedTest
    @EnumSource(value = FaultPoint.Step.class, names = {"WRITE_STATE", "FORWARD"})
    void aFaultWhileWritingAPlanChangesStepFailsTheTaskAndIsNeverARejection(FaultPoint.Step step) {
        Instant capped = Instant.parse("2026-10-12T00:00:00Z");
        try (FaultInjection fault = FaultInjection.always(step)) {
            assertThatThrownBy(() -> publishPlan(plan("acme", "Capped", "1", "1", null, capped.toString()), capped))
                    .isInstanceOf(StreamsException.class)
                    .rootCause().hasMessage("injected fault at " + step);
            assertThat(fault.fired()).isEqualTo(1);
        }
        assertThat(rejected()).isEmpty();
    }

    @Test
    void aFaultInTheWalkOfAcceptedIdsFailsTheTaskAndNeverRejectsTheRequestItFollows() {
        // The walk comes after every 64th request's step was applied (r-october was the first).
        for (int i = 2; i < AcceptedIdSweep.REQUESTS_PER_WALK; i++) {
            send(twoDollars("r-" + i, "2026-10-11T00:00:00Z"));
        }
        drainAll();
        try (FaultInjection fault = FaultInjection.always(FaultPoint.Step.FORGET_IDS)) {
            assertThatThrownBy(() -> send(twoDollars("r-walk", "2026-10-11T00:00:01Z")))
                    .isInstanceOf(StreamsException.class)
                    .rootCause().hasMessage("injected fault at FORGET_IDS");
            assertThat(fault.fired()).isEqualTo(1);
        }
        assertThat(rejected()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(value = FaultPoint.Step.class, names = {"WRITE_STATE", "FORWARD"})
    void aFaultWhileWritingFailsTheTaskAndIsNeverARejection(FaultPoint.Step step) {
        try (FaultInjection fault = FaultInjection.always(step)) {
            assertThatThrownBy(() -> send(twoDollars("r-november", "2026-11-03T00:00:00Z")))
                    .isInstanceOf(StreamsException.class)
                    .rootCause().hasMessage("injected fault at " + step);
            assertThat(fault.fired()).isEqualTo(1);
        }
        assertThat(rejected()).isEmpty();
    }
}
