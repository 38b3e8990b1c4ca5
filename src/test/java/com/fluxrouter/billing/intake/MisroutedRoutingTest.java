package com.fluxrouter.billing.intake;

import com.fluxrouter.billing.PipelineTest;
import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.pricing.Lane;
import com.fluxrouter.billing.schema.OverageUpdate;
import com.fluxrouter.billing.schema.PricedRequest;
import com.fluxrouter.billing.schema.RejectedRecord;
import com.fluxrouter.billing.schema.RoutedRequest;
import com.fluxrouter.billing.topology.Topics;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rule 4a on TopologyTestDriver, default policy {@code route}. The driver delivers every record on partition 0, so
 * the input counts as having 4 partitions: an account the Java producer puts on partition 1-3 arrived misrouted.
 */
class MisroutedRoutingTest extends PipelineTest {
    static final int PARTITIONS = 4;
    private static final String REPARTITION_TOPIC = "flux-billing-requests-misrouted-repartition";
    private static final String MISROUTED = Accounts.notOnPartition(0, PARTITIONS);
    private static final String HOME = Accounts.onPartition(0, PARTITIONS, 0);

    @Override
    protected BillingConfig config() {
        return super.config().with(IntakeFlow.REQUEST_PARTITIONS, Integer.toString(PARTITIONS));
    }

    @Test
    void aMisroutedRequestIsBilledOnceUnderItsPlanAfterTheDetour() {
        publishPlan(plan(MISROUTED, "Team", "1", "2", null, "2026-01-01T00:00:00Z"));
        RoutedRequest first = spend(MISROUTED, "0.75", "2026-11-10T10:00:00Z");
        spend(MISROUTED, "0.75", "2026-11-10T10:01:00Z");
        spend(MISROUTED, "0.75", "2026-11-10T10:02:00Z");
        send(first); // the same request id again, misrouted again: still counted once

        List<PricedRequest> priced = priced();
        assertThat(priced).extracting(PricedRequest::getAccountId).containsOnly(MISROUTED);
        assertThat(priced).hasSize(3);
        assertThat(priced).extracting(PricedRequest::getCostUsd).allSatisfy(
                cost -> assertThat(cost).isEqualByComparingTo("0.75"));
        // Credit $1 and ceiling $2 of the plan: overage = min(usage, ceiling) - credit.
        BigDecimal usage = new BigDecimal("0.75").multiply(BigDecimal.valueOf(3));
        BigDecimal expected = usage.min(new BigDecimal("2")).subtract(BigDecimal.ONE).max(BigDecimal.ZERO);
        List<OverageUpdate> overage = overage();
        assertThat(overage).isNotEmpty();
        OverageUpdate last = overage.get(overage.size() - 1);
        assertThat(last.getUsageUsd()).isEqualByComparingTo(usage);
        assertThat(last.getIncludedCreditUsd()).isEqualByComparingTo("1");
        assertThat(last.getOverageUsd()).isEqualByComparingTo(expected);
        assertThat(rejected()).isEmpty();
        assertThat(driver.producedTopicNames()).contains(REPARTITION_TOPIC);
    }

    @Test
    void requestsOnTheirAccountsPartitionNeverTakeTheRepartitionTopic() {
        spend(HOME, "0.5", "2026-11-10T10:00:00Z");
        spend(Accounts.onPartition(0, PARTITIONS, 1), "0.5", "2026-11-10T10:00:00Z");

        assertThat(priced()).hasSize(2);
        assertThat(driver.producedTopicNames()).doesNotContain(REPARTITION_TOPIC);
        assertThat(misroutedTotal()).isZero();
    }

    @Test
    void misroutedRequestsAreCountedByTheirInputPartition() {
        spend(MISROUTED, "0.5", "2026-11-10T10:00:00Z");
        spend(HOME, "0.5", "2026-11-10T10:00:00Z");
        spend(MISROUTED, "0.5", "2026-11-10T10:01:00Z");

        assertThat(priced()).hasSize(3);
        assertThat(misroutedTotal()).isEqualTo(2.0);
    }

    @Test
    void aMisroutedRequestRejectedAfterTheDetourNamesWhereItWasProduced() {
        spend(HOME, "0.5", "2026-11-10T10:00:00Z"); // offset 0 of flux.requests.routed
        RoutedRequest unknown = request(MISROUTED, Lane.EXPRESS, 10, 10, "2026-11-10T10:01:00Z")
                .setServedModel("no-such-model").build();
        send(unknown); // offset 1

        List<RejectedRecord> rejected = rejected();
        assertThat(rejected).singleElement().satisfies(rejection -> {
            assertThat(rejection.getReason()).isEqualTo("UNKNOWN_MODEL");
            assertThat(rejection.getSourceTopic()).isEqualTo(Topics.ROUTED);
            assertThat(rejection.getSourcePartition()).isZero();
            assertThat(rejection.getSourceOffset()).isEqualTo(1L);
            assertThat(rejection.getOriginalValue()).isEqualTo(
                    java.nio.ByteBuffer.wrap(serdes.avro(RoutedRequest.class).serializer().serialize(Topics.ROUTED, unknown)));
        });
        assertThat(priced()).extracting(PricedRequest::getAccountId).containsExactly(HOME);
    }

    @Test
    void aMisroutedRequestThatBreaksARuleIsRejectedWhereItArrivedBeforeItsPartitionIsChecked() {
        RoutedRequest invalid = request(MISROUTED, Lane.EXPRESS, -1, 10, "2026-11-10T10:00:00Z").build();
        send(invalid); // offset 0
        spend(HOME, "0.5", "2026-11-10T10:01:00Z"); // sentinel: processed after the invalid one

        assertThat(rejected()).singleElement().satisfies(rejection -> {
            assertThat(rejection.getReason()).isEqualTo("INVALID_TOKENS");
            assertThat(rejection.getSourceTopic()).isEqualTo(Topics.ROUTED);
            assertThat(rejection.getSourcePartition()).isZero();
            assertThat(rejection.getSourceOffset()).isZero();
        });
        assertThat(priced()).extracting(PricedRequest::getAccountId).containsExactly(HOME);
        // Rule 4a checks a valid request: an invalid one is neither counted as misrouted nor sent on the detour.
        assertThat(misroutedTotal()).isZero();
        assertThat(driver.producedTopicNames()).doesNotContain(REPARTITION_TOPIC);
    }

    /** The misrouted-total sensor of input partition 0, the only partition the driver has. */
    private double misroutedTotal() {
        for (Map.Entry<MetricName, ? extends Metric> entry : driver.metrics().entrySet()) {
            MetricName name = entry.getKey();
            if (name.name().equals("misrouted-total") && name.group().contains("flux-billing")
                    && "0".equals(name.tags().get("input-partition"))) {
                return ((Number) entry.getValue().metricValue()).doubleValue();
            }
        }
        throw new AssertionError("no misrouted-total metric among " + driver.metrics().keySet());
    }
}
