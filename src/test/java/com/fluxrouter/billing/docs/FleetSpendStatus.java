package com.fluxrouter.billing.docs;

// fleet-example:begin
import com.fluxrouter.billing.schema.SpendStatus;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.QueryableStoreTypes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Properties;

/**
 * A router instance's copy of every account's spend status: a GlobalKTable over the compacted topic, so each
 * instance holds every account, and a restarted instance has read the whole topic again before it is RUNNING.
 */
public final class FleetSpendStatus implements AutoCloseable {
    public static final String TOPIC = "flux.accounts.spend-status";
    static final String STORE = "fleet-spend-status";

    private final KafkaStreams streams;

    /** @param settings bootstrap.servers, application.id (flux-router-...), state.dir, the client's security */
    public FleetSpendStatus(Properties settings) {
        this.streams = new KafkaStreams(topology(), properties(settings));
    }

    static Properties properties(Properties settings) {
        Properties properties = new Properties();
        properties.putAll(settings);
        // The pipeline writes in transactions; a global consumer reads uncommitted records unless told otherwise.
        properties.put(StreamsConfig.globalConsumerPrefix(ConsumerConfig.ISOLATION_LEVEL_CONFIG), "read_committed");
        return properties;
    }

    static Topology topology() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.globalTable(TOPIC, Consumed.with(Serdes.String(), spendStatusSerde()),
                Materialized.<String, SpendStatus, KeyValueStore<Bytes, byte[]>>as(STORE));
        return builder.build();
    }

    /** The pipeline's default wire format, Avro single-object; with flux.serde.format=registry, a registry serde. */
    static Serde<SpendStatus> spendStatusSerde() {
        return Serdes.serdeFrom((topic, status) -> status == null ? null : bytes(status),
                (topic, bytes) -> bytes == null ? null : status(bytes));
    }

    private static byte[] bytes(SpendStatus status) {
        try {
            ByteBuffer buffer = status.toByteBuffer();
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static SpendStatus status(byte[] bytes) {
        try {
            return SpendStatus.fromByteBuffer(ByteBuffer.wrap(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts reading the topic; {@link #status} answers once the instance is RUNNING. */
    public void start() {
        streams.start();
    }

    public boolean running() {
        return streams.state() == KafkaStreams.State.RUNNING;
    }

    /** The account's latest status, or null when billing has none yet (no request and no plan version). */
    public SpendStatus status(String account) {
        return streams.store(StoreQueryParameters.fromNameAndType(STORE, QueryableStoreTypes.<String, SpendStatus>keyValueStore()))
                .get(account);
    }

    /** Route unless the latest status is CAPPED; an account billing has not seen yet is routed. */
    public static boolean mayRoute(SpendStatus status) {
        return status == null || !"CAPPED".equals(status.getStatus());
    }

    @Override
    public void close() {
        streams.close();
    }
}
// fleet-example:end
