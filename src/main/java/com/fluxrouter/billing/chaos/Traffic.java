package com.fluxrouter.billing.chaos;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import com.fluxrouter.billing.topology.Topics;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The router fleet of a run: one idempotent producer with {@code acks=all} sending the workload's records in order
 * at a steady rate, so that traffic keeps flowing while faults happen. Its delivery timeout outlasts a broker
 * restart. Records how many it sent and how long after the first copy each resent copy went out.
 */
final class Traffic implements AutoCloseable {
    private static final int PACE_EVERY = 50;
    /** A hold the fault thread forgets to lift ends by itself: traffic never stops for good. */
    private static final long HOLD_LIMIT_NANOS = java.time.Duration.ofMinutes(10).toNanos();

    private final KafkaProducer<byte[], byte[]> producer;
    private final long[] firstSentNanos;
    private final AtomicInteger sent = new AtomicInteger();
    private final AtomicLong failed = new AtomicLong();
    private volatile String firstFailure;
    private long longestResendNanos;
    private final Object gate = new Object();
    /** Records sent before the producer waits for {@link #release()}: a fault is put in place meanwhile. */
    private volatile int holdAt = Integer.MAX_VALUE;

    /** With a misrouted producer: every third request goes where CRC32 of its key says (librdkafka's consistent). */
    private final boolean misrouteSome;
    private final AtomicInteger misrouted = new AtomicInteger();

    Traffic(String bootstrapServers, int validRequests, boolean misrouteSome) {
        this.misrouteSome = misrouteSome;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 600_000,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 600_000),
                new ByteArraySerializer(), new ByteArraySerializer());
        this.firstSentNanos = new long[validRequests];
        Arrays.fill(firstSentNanos, -1);
    }

    KafkaProducer<byte[], byte[]> producer() {
        return producer;
    }

    /** Sends the records at {@code rate} per second, then waits until every one is acknowledged. */
    void send(List<Workload.Send> sends, int rate) throws InterruptedException {
        long start = System.nanoTime();
        for (int i = 0; i < sends.size(); i++) {
            if (sent.get() >= holdAt) {
                start += awaitRelease(); // the pace resumes where it stopped, no burst of the held records
            }
            Workload.Send send = sends.get(i);
            if (send.kind() == Workload.Kind.VALID && firstSentNanos[send.index()] < 0) {
                firstSentNanos[send.index()] = System.nanoTime();
            } else if (send.kind() == Workload.Kind.COPY && firstSentNanos[send.index()] >= 0) {
                longestResendNanos = Math.max(longestResendNanos, System.nanoTime() - firstSentNanos[send.index()]);
            }
            producer.send(new ProducerRecord<>(Topics.ROUTED, partitionOf(send), send.key(), send.value()),
                    (metadata, exception) -> {
                if (exception != null) {
                    failed.incrementAndGet();
                    firstFailure = exception.toString();
                }
            });
            sent.incrementAndGet();
            if (i % PACE_EVERY == 0) {
                long due = start + (long) (i * 1e9 / rate);
                long ahead = due - System.nanoTime();
                if (ahead > 0) {
                    Thread.sleep(ahead / 1_000_000, (int) (ahead % 1_000_000));
                }
            }
        }
        producer.flush();
    }

    /**
     * Null (the producer's default partitioner, murmur2 of the key) except for every third first copy of a request
     * with a misrouted producer: CRC32 of the key modulo the partitions, what librdkafka's default
     * {@code consistent_random} does with a keyed record. Counts those that land off their murmur2 partition.
     */
    private Integer partitionOf(Workload.Send send) {
        if (!misrouteSome || send.kind() != Workload.Kind.VALID || send.index() % 3 != 0 || send.key() == null) {
            return null;
        }
        int partitions = producer.partitionsFor(Topics.ROUTED).size();
        CRC32 crc = new CRC32();
        crc.update(send.key());
        int partition = (int) (crc.getValue() % partitions);
        if (partition != Utils.toPositive(Utils.murmur2(send.key())) % partitions) {
            misrouted.incrementAndGet();
        }
        return partition;
    }

    /** Requests sent to a partition other than the one Kafka's default partitioner gives their key. */
    int misrouted() {
        return misrouted.get();
    }

    /** Makes the producer wait, once it has sent {@code records}, until {@link #release()}. */
    void holdAt(int records) {
        holdAt = records;
    }

    void release() {
        synchronized (gate) {
            holdAt = Integer.MAX_VALUE;
            gate.notifyAll();
        }
    }

    /** Waits (bounded by {@link #HOLD_LIMIT_NANOS}) for the hold to be lifted; returns the nanos waited. */
    private long awaitRelease() throws InterruptedException {
        long from = System.nanoTime();
        synchronized (gate) {
            while (sent.get() >= holdAt) {
                long left = HOLD_LIMIT_NANOS - (System.nanoTime() - from);
                if (left <= 0) {
                    holdAt = Integer.MAX_VALUE;
                    break;
                }
                gate.wait(Math.max(1, left / 1_000_000));
            }
        }
        return System.nanoTime() - from;
    }

    int sent() {
        return sent.get();
    }

    long failed() {
        return failed.get();
    }

    String firstFailure() {
        return firstFailure;
    }

    /** Seconds between the first copy of a request and its latest resend, the longest seen. */
    long longestResendSeconds() {
        return longestResendNanos / 1_000_000_000L;
    }

    @Override
    public void close() {
        producer.close();
    }
}
