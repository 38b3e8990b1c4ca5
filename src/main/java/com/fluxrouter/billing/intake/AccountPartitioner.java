package com.fluxrouter.billing.intake;

import com.fluxrouter.billing.schema.RoutedRequest;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.StreamPartitioner;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;

/**
 * The partition an account's requests belong on (docs/billing-rules.md, rule 4a): Kafka's default partitioner for a
 * keyed record, {@code toPositive(murmur2(key bytes)) % partitions}, as the Java producer's
 * {@code BuiltInPartitioner.partitionForKey} computes it on the UTF-8 bytes of the account id. The plan history,
 * the accepted request ids and the account-months of an account live in the task of that partition.
 *
 * <p>Also the partitioner of the {@value IntakeFlow#MISROUTED} repartition topic, so a misrouted request lands
 * there on the partition its account's state lives on, whatever partitioner the pipeline's own producer is given.
 */
public final class AccountPartitioner implements StreamPartitioner<String, RoutedRequest> {

    /**
     * @param accountId  the record key as the router sent it (the account id; never null once validated)
     * @param partitions how many partitions the topic has, at least 1
     * @return the partition Kafka's default partitioner gives the key, 0 to {@code partitions - 1}
     * @throws IllegalArgumentException if {@code partitions} is below 1
     */
    public static int partitionOf(String accountId, int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("a topic has at least one partition: " + partitions);
        }
        return Utils.toPositive(Utils.murmur2(accountId.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /** The account's partition among the repartition topic's, which Kafka Streams keeps as many as the input's. */
    @Override
    public Optional<Set<Integer>> partitions(String topic, String accountId, RoutedRequest request, int partitions) {
        return Optional.of(Set.of(partitionOf(accountId, partitions)));
    }
}
