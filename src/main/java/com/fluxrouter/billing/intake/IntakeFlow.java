package com.fluxrouter.billing.intake;

import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.schema.RoutedRequest;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.topology.Topics;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;

/** The intake sub-flow: routed requests are validated (rule 4) and priced (rules 1 and 2). */
public final class IntakeFlow {
    private IntakeFlow() {
    }

    public static KStream<String, PricedCandidate> build(StreamsBuilder builder, Serdes serdes, BillingConfig config) {
        long earliest = config.earliestValidTime().toEpochMilli();
        return builder.stream(Topics.ROUTED, Consumed.with(serdes.string(), serdes.avro(RoutedRequest.class))
                        .withName("requests-source"))
                .processValues(() -> new ValidateRequest(earliest), Named.as("requests-validate"))
                .processValues(PriceRequest::new, Named.as("requests-price"));
    }
}
