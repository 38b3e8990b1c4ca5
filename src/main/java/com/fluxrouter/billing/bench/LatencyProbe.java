package com.fluxrouter.billing.bench;

import com.fluxrouter.billing.schema.OverageUpdate;
import com.fluxrouter.billing.schema.RoutedRequest;
import com.fluxrouter.billing.schema.SpendAlert;
import com.fluxrouter.billing.schema.SpendStatus;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.topology.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Produce-to-output latency. Each request is completed at the instant it is sent, and the pipeline carries that
 * instant into what it causes: an OverageUpdate's {@code as_of} and a SpendAlert's {@code at} are the causing
 * request's completed_at; a SpendStatus's {@code as_of} is its partition's billing clock when it was computed (rule
 * 12): the completed_at of the request whose step emitted it, or the instant of a STATUS deadline that request's
 * clock passed (then at most that request's completed_at, so the figure is, if anything, longer). A read_committed
 * consumer (as billing consumers and the router fleet must read) takes the wall clock when it receives each output;
 * the difference is the latency, all on this JVM's one clock.
 */
final class LatencyProbe implements AutoCloseable {
    /** How long outputs must stop arriving, once every request is committed, before the probe stops listening. */
    private static final Duration QUIET = Duration.ofSeconds(2);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Serdes serdes;
    private final List<Long> overage = new ArrayList<>();
    private final List<Long> alerts = new ArrayList<>();
    private final List<Long> statuses = new ArrayList<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong lastReceived = new AtomicLong(System.nanoTime());
    private volatile long countFrom = Long.MAX_VALUE;
    private Thread listener;
    private volatile RuntimeException failure;

    /** Percentiles in milliseconds over the samples of each output topic. */
    record Result(Percentiles overage, Percentiles alerts, Percentiles statuses) {
    }

    /** What {@link #offer} did: the requests it sent, and the CPU used while they were sent after the warm-up. */
    record Offered(long sent, CpuUse cpu) {
    }

    record Percentiles(long samples, double p50, double p99, double max) {
        static Percentiles of(List<Long> latencies) {
            long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            if (sorted.length == 0) {
                return new Percentiles(0, Double.NaN, Double.NaN, Double.NaN);
            }
            return new Percentiles(sorted.length, at(sorted, 0.50), at(sorted, 0.99), sorted[sorted.length - 1]);
        }

        /** The same figures in another unit (the sample count unchanged). */
        Percentiles scaled(double factor) {
            return new Percentiles(samples, p50 * factor, p99 * factor, max * factor);
        }

        private static double at(long[] sorted, double quantile) {
            return sorted[(int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1)];
        }
    }

    LatencyProbe(String bootstrapServers, Serdes serdes) {
        this.serdes = serdes;
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    void start() {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(Topics.OVERAGE, Topics.ALERTS, Topics.SPEND_STATUS)) {
            consumer.partitionsFor(topic).forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        listener = new Thread(this::listen, "bench-latency-listener");
        listener.start();
    }

    private void listen() {
        try {
            while (!stop.get()) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(20))) {
                    long receivedAt = System.currentTimeMillis();
                    lastReceived.set(System.nanoTime());
                    record(record, receivedAt);
                }
            }
        } catch (RuntimeException e) {
            failure = e;
        }
    }

    private void record(ConsumerRecord<byte[], byte[]> record, long receivedAt) {
        switch (record.topic()) {
            case Topics.OVERAGE -> add(overage, serdes.avro(OverageUpdate.class).deserializer()
                    .deserialize(record.topic(), record.value()).getAsOf(), receivedAt);
            case Topics.ALERTS -> add(alerts, serdes.avro(SpendAlert.class).deserializer()
                    .deserialize(record.topic(), record.value()).getAt(), receivedAt);
            default -> add(statuses, serdes.avro(SpendStatus.class).deserializer()
                    .deserialize(record.topic(), record.value()).getAsOf(), receivedAt);
        }
    }

    private void add(List<Long> samples, Instant causedAt, long receivedAt) {
        if (causedAt.toEpochMilli() < countFrom) {
            return;
        }
        synchronized (samples) {
            samples.add(receivedAt - causedAt.toEpochMilli());
        }
    }

    /**
     * Sends requests at {@code rate} per second for {@code duration}, each completed when it is sent, with batching
     * limited to 1 ms so the producer adds little. The CPU is measured over the samples' interval: from the end of
     * the warm-up (the start, if the run is no longer than it) to the last request sent.
     */
    Offered offer(BenchCluster cluster, Workload workload, double rate, Duration duration, Duration warmup)
            throws InterruptedException {
        long sent = 0;
        CpuUse.Reading measuredFrom;
        CpuUse.Reading measuredTo;
        try (KafkaProducer<byte[], byte[]> producer = cluster.producer(1)) {
            measuredFrom = CpuUse.Reading.now();
            long start = measuredFrom.wallNanos();
            countFrom = System.currentTimeMillis() + warmup.toMillis();
            long warmedUp = start + warmup.toNanos();
            long end = start + duration.toNanos();
            boolean warm = warmedUp >= end;
            for (long now = start; now < end; now = System.nanoTime()) {
                if (!warm && now >= warmedUp) {
                    warm = true;
                    measuredFrom = CpuUse.Reading.now();
                }
                long due = (long) ((now - start) / 1e9 * rate);
                for (; sent < due; sent++) {
                    RoutedRequest request = workload.next(Instant.now());
                    producer.send(new ProducerRecord<>(Topics.ROUTED, workload.key(request), workload.value(request)));
                }
                Thread.sleep(1); // pacing of the offered load, not synchronisation
            }
            measuredTo = CpuUse.Reading.now();
        }
        return new Offered(sent, CpuUse.between(measuredFrom, measuredTo));
    }

    /** Once every request is committed: waits until outputs stop arriving, then the latencies. */
    Result drain() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() - lastReceived.get() < QUIET.toNanos() && System.nanoTime() < deadline
                && failure == null) {
            Thread.sleep(100);
        }
        stop.set(true);
        listener.join();
        if (failure != null) {
            throw failure;
        }
        synchronized (overage) {
            synchronized (alerts) {
                synchronized (statuses) {
                    return new Result(Percentiles.of(overage), Percentiles.of(alerts), Percentiles.of(statuses));
                }
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        if (listener != null) {
            listener.join();
        }
        consumer.close();
    }
}
