package com.fluxrouter.billing.intake;

import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.schema.RoutedRequest;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.topology.Topics;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;

/**
 * The intake sub-flow: routed requests are validated (rule 4) and checked to be on their account's partition
 * (rule 4a) by one node, {@link AdmitRequest}. Requests on the wrong partition go through the {@value #MISROUTED}
 * repartition topic to their account's partition (or are rejected, by {@link BillingConfig#misroutedPolicy()});
 * requests on the right one, normally all of them, go straight on, so correct producers pay nothing for the detour.
 * Metering prices them ({@link CatalogPricing}, rules 1 and 2) after its join with the plan history.
 */
public final class IntakeFlow {
    /** Name of the repartition that misrouted requests alone take; its topic is {@code <app id>-requests-misrouted-repartition}. */
    public static final String MISROUTED = "requests-misrouted";
    /** The node that admits requests. */
    static final String ADMIT = "requests-admit";
    /** The node where requests on their account's partition and rerouted ones meet. */
    static final String HOME = "requests-rerouted-merge";
    /**
     * The first node of the {@value #MISROUTED} repartition, by the name Kafka Streams gives it
     * ({@code <topic>-filter}, not a public contract). Were a Kafka release to rename it,
     * {@code TopologyDescriptionTest} shows the new name and {@code MisroutedRoutingTest} fails: every misrouted
     * request would be rejected PROCESSING_ERROR ("Unknown downstream node").
     */
    static final String REROUTE = MISROUTED + "-repartition-filter";
    /**
     * Application setting holding the partition count of {@code flux.requests.routed}; set by the live pipeline
     * from the topic's metadata when it starts, absent on TopologyTestDriver (one partition). Not a {@code flux.*}
     * key: nobody sets it by hand, and BillingConfig refuses {@code flux.*} keys it does not define.
     */
    public static final String REQUEST_PARTITIONS = "flux-billing.internal.request-partitions";

    private IntakeFlow() {
    }

    /**
     * @return the valid requests, each on its account's partition; the merged stream is co-partitioned with the
     *         plan history, since the repartition topic takes its partition count from the input (Kafka Streams
     *         enforces it for the join downstream)
     */
    public static KStream<String, RoutedRequest> build(StreamsBuilder builder, Serdes serdes, BillingConfig config) {
        long earliest = config.earliestValidTime().toEpochMilli();
        MisroutedPolicy policy = config.misroutedPolicy();
        // AdmitRequest forwards each request to one of its two children by name: HOME or REROUTE.
        KStream<String, RoutedRequest> admitted = builder.stream(Topics.ROUTED,
                        Consumed.with(serdes.string(), serdes.avro(RoutedRequest.class)).withName("requests-source"))
                .processValues(() -> new AdmitRequest(earliest, policy), Named.as(ADMIT));
        KStream<String, RoutedRequest> rerouted = admitted
                // No partition count: Kafka Streams gives the topic the input's, as the join with the plan history
                // needs co-partitioned sources; the partitioner is murmur2 whatever the producer is configured with.
                .repartition(Repartitioned.<String, RoutedRequest>as(MISROUTED)
                        .withKeySerde(serdes.string())
                        .withValueSerde(serdes.internal(RoutedRequest.class))
                        .withStreamPartitioner(new AccountPartitioner()));
        return admitted.merge(rerouted, Named.as(HOME));
    }
}
