package com.fluxrouter.billing.topology;

import com.fluxrouter.billing.catalog.CatalogFlow;
import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.intake.IntakeFlow;
import com.fluxrouter.billing.metering.MeteringFlow;
import com.fluxrouter.billing.metering.OutputSink;
import com.fluxrouter.billing.plans.PlanFlow;
import com.fluxrouter.billing.plans.PublishedPlans;
import com.fluxrouter.billing.schema.AccountMonthKey;
import com.fluxrouter.billing.schema.InvoiceLine;
import com.fluxrouter.billing.schema.OverageUpdate;
import com.fluxrouter.billing.schema.PricedRequest;
import com.fluxrouter.billing.schema.RoutedRequest;
import com.fluxrouter.billing.schema.SpendAlert;
import com.fluxrouter.billing.schema.SpendStatus;
import com.fluxrouter.billing.schema.state.PlanHistory;
import com.fluxrouter.billing.serde.Serdes;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Produced;

import java.util.HashMap;
import java.util.Map;


/**
 * The whole pipeline, assembled from its named sub-flows: catalog, plans, intake, metering and outputs. The same
 * topology runs live and in {@code replay}; topology/billing-pipeline.txt is its checked-in description.
 */
public final class BillingTopology {
    private BillingTopology() {
    }

    /**
     * @param config the pipeline's settings; its {@code application.id} names the pipeline's own catalog topics
     * @return the topology, not yet running
     */
    public static Topology build(BillingConfig config) {
        Serdes serdes = Serdes.of(config);
        Map<String, Object> settings = new HashMap<>(StreamsSettings.of(config));
        // Building connects to nothing, but StreamsConfig insists on a cluster: a placeholder if none is given.
        settings.putIfAbsent(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "topology-only:9092");
        StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(settings)));

        CatalogFlow.Readers catalog = CatalogFlow.build(builder, serdes, config, StreamsSettings.applicationId(config));
        KTable<String, PlanHistory> plans = PlanFlow.build(builder, serdes, config, StreamsSettings.applicationId(config));
        KStream<String, RoutedRequest> requests = IntakeFlow.build(builder, serdes, config);
        PublishedPlans published = new PublishedPlans();
        KStream<Object, SpecificRecord> outputs = MeteringFlow.build(requests, plans, catalog, published, serdes, config);
        route(outputs, serdes);
        PlanFlow.buildPublications(builder, serdes, config, StreamsSettings.applicationId(config), published);
        return builder.build();
    }

    /** Adds the meter's children: a sink per kind of output, which the meter forwards to by name. */
    private static void route(KStream<Object, SpecificRecord> outputs, Serdes serdes) {
        Serde<AccountMonthKey> monthKey = serdes.avro(AccountMonthKey.class);
        for (OutputSink sink : OutputSink.values()) {
            // A switch expression: a kind of output added without a topic does not compile.
            Destination<?, ?> destination = switch (sink) {
                case PRICED -> new Destination<>(Topics.PRICED, serdes.string(), serdes.avro(PricedRequest.class));
                case OVERAGE -> new Destination<>(Topics.OVERAGE, monthKey, serdes.avro(OverageUpdate.class));
                case ALERTS -> new Destination<>(Topics.ALERTS, monthKey, serdes.avro(SpendAlert.class));
                case INVOICE_LINES -> new Destination<>(Topics.INVOICE_LINES, monthKey, serdes.avro(InvoiceLine.class));
                case SPEND_STATUS -> new Destination<>(Topics.SPEND_STATUS, serdes.string(),
                        serdes.avro(SpendStatus.class));
            };
            sink(outputs, sink, destination);
        }
    }

    /** A kind of output's topic and serdes. */
    private record Destination<K, V extends SpecificRecord>(String topic, Serde<K> keys, Serde<V> values) {
    }

    /** The meter forwards only values of the sink's class (with their keys) to it; Java cannot see that. */
    @SuppressWarnings("unchecked")
    private static void sink(KStream<Object, SpecificRecord> outputs, OutputSink sink, Destination<?, ?> destination) {
        outputs.to(destination.topic(), Produced.with((Serde<Object>) destination.keys(),
                (Serde<SpecificRecord>) destination.values()).withName(sink.nodeName()));
    }
}
