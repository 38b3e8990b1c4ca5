package com.fluxrouter.billing.topology;

import com.fluxrouter.billing.config.BillingConfig;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class TopologyDescriptionTest {
    private static final Path CHECKED_IN = Path.of("topology", "billing-pipeline.txt");

    @Test
    void codeTopologyMatchesTheCheckedInDescription() throws IOException {
        String described = BillingTopology.build(BillingConfig.defaults()).describe().toString();
        assertThat(described)
                .as("topology changed: review the renamed processors, stores and topics, then run "
                        + "`bin/flux-billing topology > topology/billing-pipeline.txt`")
                .isEqualTo(Files.readString(CHECKED_IN));
    }

    @Test
    void storeKindDoesNotChangeTheTopology() {
        String onDisk = BillingTopology.build(BillingConfig.defaults()).describe().toString();
        String inMemory = BillingTopology.build(BillingConfig.defaults().with(BillingConfig.STATE_STORES, "in_memory"))
                .describe().toString();
        assertThat(inMemory).isEqualTo(onDisk);
    }

    @Test
    void everyNodeIsNamedExplicitly() {
        TopologyDescription description = BillingTopology.build(BillingConfig.defaults()).describe();
        description.subtopologies().forEach(subtopology -> subtopology.nodes().forEach(node ->
                assertThat(node.name()).as("generated name").doesNotStartWith("KSTREAM-").doesNotStartWith("KTABLE-")));
        description.globalStores().forEach(store ->
                assertThat(store.processor().name()).doesNotStartWith("KTABLE-").doesNotStartWith("KSTREAM-"));
    }
}
