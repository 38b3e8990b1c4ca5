package com.fluxrouter.billing.topology;

import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

import java.util.function.BiConsumer;

/**
 * Forwards a record that passes a check. A failing check throws a
 * {@link com.fluxrouter.billing.errors.RejectedException}, which the processing exception handler turns into a
 * rejected record, so validation needs no try/catch in the topology.
 */
public final class Check<K, V> implements FixedKeyProcessor<K, V, V> {
    private final BiConsumer<K, V> check;
    private FixedKeyProcessorContext<K, V> context;

    public Check(BiConsumer<K, V> check) {
        this.check = check;
    }

    @Override
    public void init(FixedKeyProcessorContext<K, V> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<K, V> record) {
        check.accept(record.key(), record.value());
        context.forward(record);
    }
}
