package com.fluxrouter.billing.intake;

import com.fluxrouter.billing.errors.Origin;
import com.fluxrouter.billing.errors.Reason;
import com.fluxrouter.billing.errors.RejectedException;
import com.fluxrouter.billing.schema.RoutedRequest;
import com.fluxrouter.billing.topology.Topics;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits a routed request: validates it ({@link RequestRules}, rule 4, the record timestamp being the time the router
 * produced it), then checks that it arrived on the partition Kafka's default partitioner gives its account
 * ({@link AccountPartitioner}, rule 4a), where its plan history, request ids and account-months live. A request on
 * its partition goes on as it is to {@value IntakeFlow#HOME}. A misrouted one is counted ({@link MisroutedCount}),
 * logged once per input partition with its account as a sample, and then, by {@link MisroutedPolicy}, sent with its
 * origin in the {@value Origin#HEADER} header to {@value IntakeFlow#REROUTE}, or rejected {@code WRONG_PARTITION}.
 * A request that breaks a rule throws {@link RejectedException}, which the processing exception handler rejects.
 *
 * <p>One node does both checks and picks the next node by name, instead of a branch and its pass-through nodes: each
 * node a request passes costs Kafka Streams' per-node work (docs/performance.md, "What was changed").
 *
 * <p>The input's partition count comes from {@value IntakeFlow#REQUEST_PARTITIONS} in the application's settings,
 * which the live pipeline sets from the topic's metadata at start; without it (TopologyTestDriver, one partition)
 * the topic counts as having one partition.
 */
final class AdmitRequest implements FixedKeyProcessor<String, RoutedRequest, RoutedRequest> {
    static final String FIX = "produce with Kafka's default partitioner, murmur2 of the key: the Java client's default; "
            + "librdkafka (confluent-kafka, node-rdkafka) partitioner=murmur2_random; kafka-go Murmur2Balancer; "
            + "sarama NewReferenceHashPartitioner";
    private static final Logger LOG = LoggerFactory.getLogger(AdmitRequest.class);

    private final long earliestMillis;
    private final MisroutedPolicy policy;
    private FixedKeyProcessorContext<String, RoutedRequest> context;
    private int partitions;
    private MisroutedCount misrouted;
    private boolean logged;

    /**
     * @param earliestMillis the earliest record timestamp accepted (epoch ms, {@code flux.billing.earliest-valid-time})
     * @param policy         what to do with a request on another account's partition
     */
    AdmitRequest(long earliestMillis, MisroutedPolicy policy) {
        this.earliestMillis = earliestMillis;
        this.policy = policy;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, RoutedRequest> context) {
        this.context = context;
        this.partitions = partitionsOf(context.appConfigs().get(IntakeFlow.REQUEST_PARTITIONS));
        this.misrouted = MisroutedCount.of(context);
    }

    static int partitionsOf(Object setting) {
        if (setting == null) {
            return 1;
        }
        int partitions = Integer.parseInt(setting.toString());
        if (partitions < 1) {
            throw new IllegalArgumentException(IntakeFlow.REQUEST_PARTITIONS + " must be positive: " + setting);
        }
        return partitions;
    }

    @Override
    public void process(FixedKeyRecord<String, RoutedRequest> record) {
        RequestRules.check(record.key(), record.value(), record.timestamp(), earliestMillis);
        RecordMetadata source = context.recordMetadata().orElseThrow();
        int expected = AccountPartitioner.partitionOf(record.key(), partitions);
        if (source.partition() == expected) {
            context.forward(record, IntakeFlow.HOME);
            return;
        }
        misrouted.increment();
        logOnce(record.key(), source.partition(), expected);
        if (policy == MisroutedPolicy.REJECT) {
            throw new RejectedException(Reason.WRONG_PARTITION, "arrived on partition " + source.partition() + " of "
                    + partitions + ", but Kafka's default partitioner puts its key on partition " + expected
                    + ", where its account's plans and months are kept: " + FIX
                    + " (or run the pipeline with flux.intake.misrouted=route)");
        }
        // A copy of the headers: the record's own are the input record's, which Kafka Streams' record context shares.
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        headers.remove(Origin.HEADER);
        headers.add(Origin.HEADER, new Origin(source.topic(), source.partition(), source.offset()).headerValue());
        context.forward(record.withHeaders(headers), IntakeFlow.REROUTE);
    }

    /**
     * Kafka records do not carry the producer's client id (it is in the produce request, not in the record), so
     * the producer cannot be named: one warning per input partition (per task start) with the first account seen.
     */
    private void logOnce(String account, int partition, int expected) {
        if (logged) {
            return;
        }
        logged = true;
        LOG.warn("Requests arriving on {}-{} belong on other partitions (first: account {} belongs on {} of {}): a "
                        + "producer does not use Kafka's default partitioner; {} them ({}). Fix the producer: {}",
                Topics.ROUTED, partition, account, expected, partitions,
                policy == MisroutedPolicy.ROUTE ? "rerouting" : "rejecting",
                "flux.intake.misrouted=" + policy.configName(), FIX);
    }
}
