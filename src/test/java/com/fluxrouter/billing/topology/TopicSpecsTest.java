package com.fluxrouter.billing.topology;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class TopicSpecsTest {
    private final Map<String, NewTopic> topics = TopicSpecs.all(6, (short) 3).stream()
            .collect(Collectors.toMap(NewTopic::name, topic -> topic));

    @Test
    void everyContractAndPipelineOwnedTopicIsSpecified() {
        assertThat(topics.keySet()).containsAll(Topics.INPUTS).containsAll(Topics.OUTPUTS)
                .contains(Topics.MODELS_VALID, Topics.RATES_VALID, Topics.PLANS_VALID);
    }

    @Test
    void catalogAndPlanTopicsAreCompactedAndTheRestDeleteByRetention() {
        for (NewTopic topic : topics.values()) {
            String expected = Topics.COMPACTED.contains(topic.name()) ? "compact" : "delete";
            assertThat(topic.configs()).as(topic.name()).containsEntry(TopicConfig.CLEANUP_POLICY_CONFIG, expected);
            if (expected.equals("delete")) {
                assertThat(topic.configs()).as(topic.name()).containsEntry(TopicConfig.RETENTION_MS_CONFIG, "7776000000");
            }
        }
    }

    @Test
    void theSpendStatusIsCompactedWithoutTimeRetentionInTenMinuteSegmentsKeptAMinuteBeforeCompaction() {
        assertThat(Topics.isCompacted(Topics.SPEND_STATUS)).isTrue();
        assertThat(topics.get(Topics.SPEND_STATUS).configs())
                .containsEntry(TopicConfig.CLEANUP_POLICY_CONFIG, "compact")
                .containsEntry(TopicConfig.SEGMENT_MS_CONFIG, "600000")
                .containsEntry(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, "60000")
                .doesNotContainKey(TopicConfig.RETENTION_MS_CONFIG);
    }

    @Test
    void requestsCarryTheBrokersAppendTimeSoAProducerClockCannotMoveIt() {
        assertThat(topics.get(Topics.ROUTED).configs()).containsEntry(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime");
    }

    @Test
    void thePlansValidCopyKeepsWhenEachVersionWasPublishedWhateverTheBrokersDefault() {
        assertThat(topics.get(Topics.PLANS_VALID).configs())
                .containsEntry(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "CreateTime");
        assertThat(TopicSpecs.owned("acme-billing", java.util.Optional.empty())).filteredOn(t -> t.name().equals(
                "acme-billing.accounts.plans.valid")).singleElement()
                .satisfies(t -> assertThat(t.configs()).containsEntry(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "CreateTime"));
    }

    @Test
    void rejectedTopicHoldsTheRejectionOfTheLargestRecordAnInputTopicAcceptsByDefault() {
        int largestInput = 1_048_588; // the broker's default message.max.bytes
        int rejectionOverhead = 8 * 1024; // reason, detail (at most 1,000 characters), source, Avro framing
        assertThat(Integer.parseInt(topics.get(Topics.REJECTED).configs().get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG)))
                .isGreaterThanOrEqualTo(2 * largestInput + rejectionOverhead);
        assertThat(StreamsSettings.of(com.fluxrouter.billing.config.BillingConfig.defaults()))
                .containsEntry("producer.max.request.size", TopicSpecs.REJECTED_MAX_BYTES);
    }

    @Test
    void requestKeyedTopicsShareThePartitionCountSoAccountsCoPartition() {
        for (String name : List.of(Topics.ROUTED, Topics.PLANS, Topics.PRICED, Topics.OVERAGE, Topics.ALERTS,
                Topics.INVOICE_LINES, Topics.REJECTED, Topics.SPEND_STATUS)) {
            assertThat(topics.get(name).numPartitions()).as(name).isEqualTo(6);
            assertThat(topics.get(name).replicationFactor()).as(name).isEqualTo((short) 3);
        }
    }
}
