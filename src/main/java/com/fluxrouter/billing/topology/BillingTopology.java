package com.fluxrouter.billing.topology;

import com.fluxrouter.billing.catalog.CatalogFlow;
import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.intake.IntakeFlow;
import com.fluxrouter.billing.intake.PricedCandidate;
import com.fluxrouter.billing.metering.MeteringFlow;
import com.fluxrouter.billing.plans.PlanFlow;
import com.fluxrouter.billing.schema.AccountMonthKey;
import com.fluxrouter.billing.schema.InvoiceLine;
import com.fluxrouter.billing.schema.OverageUpdate;
import com.fluxrouter.billing.schema.PricedRequest;
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
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Named;
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
        KStream<String, PricedCandidate> priced = IntakeFlow.build(builder, serdes, config, catalog);
        KStream<Object, SpecificRecord> outputs = MeteringFlow.build(priced, plans, serdes, config);
        route(outputs, serdes);
        PlanFlow.buildPublications(builder, serdes, config, StreamsSettings.applicationId(config));
        return builder.build();
    }

    /** Sends each kind of output record to its topic with its own serdes. */
    private static void route(KStream<Object, SpecificRecord> outputs, Serdes serdes) {
        Serde<AccountMonthKey> monthKey = serdes.avro(AccountMonthKey.class);
        outputs.split(Named.as("outputs-"))
                .branch((key, value) -> value instanceof PricedRequest, Branched.withConsumer(
                        stream -> narrow(stream, String.class, PricedRequest.class)
                                .to(Topics.PRICED, Produced.with(serdes.string(), serdes.avro(PricedRequest.class))
                                        .withName("priced-sink")), "priced"))
                .branch((key, value) -> value instanceof OverageUpdate, Branched.withConsumer(
                        stream -> narrow(stream, AccountMonthKey.class, OverageUpdate.class)
                                .to(Topics.OVERAGE, Produced.with(monthKey, serdes.avro(OverageUpdate.class))
                                        .withName("overage-sink")), "overage"))
                .branch((key, value) -> value instanceof SpendAlert, Branched.withConsumer(
                        stream -> narrow(stream, AccountMonthKey.class, SpendAlert.class)
                                .to(Topics.ALERTS, Produced.with(monthKey, serdes.avro(SpendAlert.class))
                                        .withName("alerts-sink")), "alerts"))
                .branch((key, value) -> value instanceof InvoiceLine, Branched.withConsumer(
                        stream -> narrow(stream, AccountMonthKey.class, InvoiceLine.class)
                                .to(Topics.INVOICE_LINES, Produced.with(monthKey, serdes.avro(InvoiceLine.class))
                                        .withName("invoice-lines-sink")), "invoice-lines"))
                .branch((key, value) -> value instanceof SpendStatus, Branched.withConsumer(
                        stream -> narrow(stream, String.class, SpendStatus.class)
                                .to(Topics.SPEND_STATUS, Produced.with(serdes.string(), serdes.avro(SpendStatus.class))
                                        .withName("spend-status-sink")), "spend-status"))
                .noDefaultBranch();
    }

    /** The branch predicates guarantee the types; Java cannot see that through the split. */
    @SuppressWarnings("unchecked")
    private static <K, V> KStream<K, V> narrow(KStream<Object, SpecificRecord> stream, Class<K> key, Class<V> value) {
        return (KStream<K, V>) (KStream<?, ?>) stream;
    }
}
