package com.fluxrouter.billing.it;

import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.local.Pipeline;
import com.fluxrouter.billing.plans.PlanFlow;
import com.fluxrouter.billing.topology.TopicSpecs;
import com.fluxrouter.billing.topology.Topics;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The requests join a table derived from the plan history only so that Kafka Streams co-partitions the plans'
 * repartition topic with them (metering.MeteringFlow#coPartitioned): with {@code flux.accounts.plans} on more
 * partitions than {@code flux.requests.routed}, Kafka Streams still gives {@code plans-by-account-repartition} the
 * requests' count, so an account's plan history and plan changes are on its requests' task. Without the join the
 * repartition topic would take its own input's count (three here) and the plan changes would reach another task.
 */
@WithBroker
class PlansCoPartitionIT {
    private static final String APPLICATION_ID = "flux-billing-it-co-partition";
    private static final int REQUEST_PARTITIONS = 2;
    private static final int PLAN_PARTITIONS = 3;
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @TempDir
    Path tmp;

    @Test
    void thePlansRepartitionTopicTakesTheRequestsPartitionCountWhenThePlansTopicHasAnother(EmbeddedKafka kafka)
            throws Exception {
        kafka.createTopics(TopicSpecs.all(APPLICATION_ID, REQUEST_PARTITIONS, (short) 1).stream()
                .map(spec -> spec.name().equals(Topics.PLANS)
                        ? new NewTopic(Topics.PLANS, PLAN_PARTITIONS, (short) 1).configs(spec.configs())
                        : spec)
                .toArray(NewTopic[]::new));
        assertThat(partitions(kafka, Topics.PLANS)).as("the plans topic has a count of its own").isEqualTo(PLAN_PARTITIONS);

        try (Pipeline pipeline = new Pipeline(config(kafka)).start()) {
            // Kafka Streams creates its repartition topics in the first rebalance, before it runs.
            await("running").atMost(TIMEOUT)
                    .until(() -> pipeline.streams().state() == KafkaStreams.State.RUNNING);
            assertThat(partitions(kafka, APPLICATION_ID + "-" + PlanFlow.REPARTITION + "-repartition"))
                    .as("the plans' repartition topic, co-partitioned with the requests").isEqualTo(REQUEST_PARTITIONS);
            assertThat(partitions(kafka, APPLICATION_ID + "-requests-misrouted-repartition"))
                    .as("the misrouted requests' repartition topic").isEqualTo(REQUEST_PARTITIONS);
        }
    }

    private static int partitions(EmbeddedKafka kafka, String topic) throws Exception {
        TopicDescription description = kafka.admin().describeTopics(List.of(topic)).allTopicNames().get().get(topic);
        return description.partitions().size();
    }

    private BillingConfig config(EmbeddedKafka kafka) throws Exception {
        return BillingConfig.of(Map.of(
                StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID,
                StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory(tmp, "state").toString(),
                StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100"));
    }
}
