package com.fluxrouter.billing.intake;

import com.fluxrouter.billing.PipelineTest;
import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.pricing.Lane;
import com.fluxrouter.billing.schema.PricedRequest;
import com.fluxrouter.billing.schema.RejectedRecord;
import com.fluxrouter.billing.schema.RoutedRequest;
import com.fluxrouter.billing.topology.Topics;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Rule 4a with {@code flux.intake.misrouted=reject}, on TopologyTestDriver (all records on partition 0 of 4). */
class MisroutedRejectionTest extends PipelineTest {
    private static final int PARTITIONS = MisroutedRoutingTest.PARTITIONS;
    private static final String MISROUTED = Accounts.notOnPartition(0, PARTITIONS);
    private static final String HOME = Accounts.onPartition(0, PARTITIONS, 0);

    @Override
    protected BillingConfig config() {
        return super.config().with(IntakeFlow.REQUEST_PARTITIONS, Integer.toString(PARTITIONS))
                .with(BillingConfig.INTAKE_MISROUTED, "reject");
    }

    @Test
    void aMisroutedRequestIsRejectedWrongPartitionWithTheFixAndItsBytes() {
        RoutedRequest misrouted = spend(MISROUTED, "0.5", "2026-11-10T10:00:00Z");
        spend(HOME, "0.5", "2026-11-10T10:00:00Z"); // sentinel: processed after the misrouted one

        assertThat(priced()).extracting(PricedRequest::getAccountId).containsExactly(HOME);
        List<RejectedRecord> rejected = rejected();
        assertThat(rejected).singleElement().satisfies(rejection -> {
            assertThat(rejection.getReason()).isEqualTo("WRONG_PARTITION");
            assertThat(rejection.getDetail())
                    .contains("arrived on partition 0 of 4")
                    .contains("partition " + Accounts.javaPartition(MISROUTED, PARTITIONS))
                    .contains("murmur2_random", "Murmur2Balancer", "NewReferenceHashPartitioner");
            assertThat(rejection.getSourceTopic()).isEqualTo(Topics.ROUTED);
            assertThat(rejection.getOriginalKey())
                    .isEqualTo(ByteBuffer.wrap(MISROUTED.getBytes(StandardCharsets.UTF_8)));
            assertThat(rejection.getOriginalValue()).isEqualTo(ByteBuffer.wrap(
                    serdes.avro(RoutedRequest.class).serializer().serialize(Topics.ROUTED, misrouted)));
        });
        assertThat(overage()).extracting(u -> u.getAccountId()).containsOnly(HOME);
    }

    @Test
    void aMisroutedRequestThatBreaksARuleIsRejectedForTheRuleNotForItsPartition() {
        send(request(MISROUTED, Lane.EXPRESS, 10, 10, "2019-12-31T23:59:59Z"));
        spend(HOME, "0.5", "2026-11-10T10:00:00Z"); // sentinel: processed after the invalid one

        assertThat(rejected()).extracting(RejectedRecord::getReason).containsExactly("INVALID_TIMESTAMP");
        assertThat(priced()).extracting(PricedRequest::getAccountId).containsExactly(HOME);
    }

    @Test
    void anUnknownPolicyIsRefused() {
        assertThatThrownBy(() -> BillingConfig.defaults().with(BillingConfig.INTAKE_MISROUTED, "drop"))
                .isInstanceOf(org.apache.kafka.common.config.ConfigException.class).hasMessageContaining("flux.intake.misrouted");
    }
}
