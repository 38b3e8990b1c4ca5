package com.fluxrouter.billing.topology;

import com.fluxrouter.billing.config.BillingConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The pipeline's own topics follow application.id, so two deployments on one cluster do not share them. */
class TopicNamesTest {
    private static Set<String> topicsOf(BillingConfig config) {
        TopologyDescription description = BillingTopology.build(config).describe();
        Set<String> topics = new HashSet<>();
        description.globalStores().forEach(store -> topics.addAll(store.source().topicSet()));
        description.subtopologies().forEach(sub -> sub.nodes().forEach(node -> {
            if (node instanceof TopologyDescription.Sink sink && sink.topic() != null) {
                topics.add(sink.topic());
            }
            if (node instanceof TopologyDescription.Source source && source.topicSet() != null) {
                topics.addAll(source.topicSet());
            }
        }));
        return topics;
    }

    @Test
    void theCatalogTopicsOfAnotherApplicationIdCarryItsName() {
        Set<String> topics = topicsOf(BillingConfig.of(Map.of(StreamsConfig.APPLICATION_ID_CONFIG, "acme-billing")));
        assertThat(topics).contains("acme-billing.catalog.models.valid", "acme-billing.catalog.rates.valid")
                .noneMatch(topic -> topic.startsWith("flux-billing."));
    }

    @Test
    void theDefaultApplicationIdKeepsTheNamesOfEarlierReleases() {
        assertThat(topicsOf(BillingConfig.defaults()))
                .contains("flux-billing.catalog.models.valid", "flux-billing.catalog.rates.valid");
        assertThat(Topics.MODELS_VALID).isEqualTo("flux-billing.catalog.models.valid");
        assertThat(Topics.RATES_VALID).isEqualTo("flux-billing.catalog.rates.valid");
    }

    @Test
    void topicCreationFollowsTheApplicationIdWithCompaction() {
        Map<String, NewTopic> topics = TopicSpecs.all("acme-billing", 6, (short) 3).stream()
                .collect(Collectors.toMap(NewTopic::name, topic -> topic));
        assertThat(topics).containsKeys("acme-billing.catalog.models.valid", "acme-billing.catalog.rates.valid")
                .doesNotContainKeys(Topics.MODELS_VALID, Topics.RATES_VALID);
        for (String owned : Topics.owned("acme-billing")) {
            assertThat(topics.get(owned).configs()).as(owned)
                    .containsEntry(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
            assertThat(topics.get(owned).numPartitions()).as(owned).isEqualTo(1);
            assertThat(topics.get(owned).replicationFactor()).as(owned).isEqualTo((short) 3);
        }
    }
}
