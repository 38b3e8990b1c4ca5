package com.fluxrouter.billing.intake;

import com.fluxrouter.billing.catalog.CatalogFlow;
import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.schema.RoutedRequest;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.topology.Topics;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;

import java.util.Map;

/**
 * The intake sub-flow: routed requests are validated (rule 4), checked to be on their account's partition (rule 4a)
 * and priced (rules 1 and 2). Requests on the wrong partition go through the {@value #MISROUTED} repartition topic
 * to their account's partition (or are rejected, by {@link BillingConfig#misroutedPolicy()}); requests on the right
 * one, normally all of them, go straight on, so correct producers pay nothing for the detour.
 */
public final class IntakeFlow {
    /** Name of the repartition that misrouted requests alone take; its topic is {@code <app id>-requests-misrouted-repartition}. */
    public static final String MISROUTED = "requests-misrouted";
    /**
     * Application setting holding the partition count of {@code flux.requests.routed}; set by the live pipeline
     * from the topic's metadata when it starts, absent on TopologyTestDriver (one partition). Not a {@code flux.*}
     * key: nobody sets it by hand, and BillingConfig refuses {@code flux.*} keys it does not define.
     */
    public static final String REQUEST_PARTITIONS = "flux-billing.internal.request-partitions";

    private IntakeFlow() {
    }

    /**
     * @param catalog the catalog flow's readers of its global stores ({@link CatalogFlow#build})
     * @return the priced requests, each on its account's partition; the merged stream is co-partitioned with the
     *         plan history, since the repartition topic takes its partition count from the input (Kafka Streams
     *         enforces it for the join downstream)
     */
    public static KStream<String, PricedCandidate> build(StreamsBuilder builder, Serdes serdes, BillingConfig config,
                                                         CatalogFlow.Readers catalog) {
        boolean rateCache = config.rateCache();
        boolean modelCache = config.modelCache();
        long earliest = config.earliestValidTime().toEpochMilli();
        MisroutedPolicy policy = config.misroutedPolicy();
        Map<String, KStream<String, Arrival>> arrivals = builder.stream(Topics.ROUTED,
                        Consumed.with(serdes.string(), serdes.avro(RoutedRequest.class)).withName("requests-source"))
                .processValues(() -> new ValidateRequest(earliest), Named.as("requests-validate"))
                .processValues(() -> new CheckPartition(policy), Named.as("requests-partition-check"))
                .split(Named.as("requests-partition-"))
                .branch((account, arrival) -> arrival.home(), Branched.as("home"))
                .defaultBranch(Branched.as("misrouted"));
        KStream<String, RoutedRequest> home = arrivals.get("requests-partition-home")
                .mapValues(Arrival::request, Named.as("requests-home-unwrap"));
        KStream<String, RoutedRequest> rerouted = arrivals.get("requests-partition-misrouted")
                .mapValues(Arrival::request, Named.as("requests-misrouted-unwrap"))
                // No partition count: Kafka Streams gives the topic the input's, as the join with the plan history
                // needs co-partitioned sources; the partitioner is murmur2 whatever the producer is configured with.
                .repartition(Repartitioned.<String, RoutedRequest>as(MISROUTED)
                        .withKeySerde(serdes.string())
                        .withValueSerde(serdes.internal(RoutedRequest.class))
                        .withStreamPartitioner(new AccountPartitioner()));
        return home.merge(rerouted, Named.as("requests-rerouted-merge"))
                .processValues(() -> new PriceRequest(catalog, rateCache, modelCache), Named.as("requests-price"));
    }
}
