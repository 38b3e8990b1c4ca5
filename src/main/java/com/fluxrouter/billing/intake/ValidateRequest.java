package com.fluxrouter.billing.intake;

import com.fluxrouter.billing.schema.RoutedRequest;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/** Applies {@link RequestRules}, using the record timestamp as the time the router produced the request. */
final class ValidateRequest implements FixedKeyProcessor<String, RoutedRequest, RoutedRequest> {
    private final long earliestMillis;
    private FixedKeyProcessorContext<String, RoutedRequest> context;

    ValidateRequest(long earliestMillis) {
        this.earliestMillis = earliestMillis;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, RoutedRequest> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, RoutedRequest> record) {
        RequestRules.check(record.key(), record.value(), record.timestamp(), earliestMillis);
        context.forward(record);
    }
}
