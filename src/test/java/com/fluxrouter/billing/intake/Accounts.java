package com.fluxrouter.billing.intake;

import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;

import java.nio.charset.StandardCharsets;
import java.util.stream.IntStream;

/** Test accounts chosen by the Java producer's own partitioner, independently of the production code. */
final class Accounts {
    private Accounts() {
    }

    /** The Java producer's partition of a key: what every test expects the pipeline to agree with. */
    static int javaPartition(String account, int partitions) {
        return BuiltInPartitioner.partitionForKey(account.getBytes(StandardCharsets.UTF_8), partitions);
    }

    /** The first {@code acct-N} whose key the Java producer puts on {@code partition} of {@code partitions}. */
    static String onPartition(int partition, int partitions, int skip) {
        return IntStream.range(0, 10_000).mapToObj(n -> "acct-" + n)
                .filter(account -> javaPartition(account, partitions) == partition)
                .skip(skip).findFirst().orElseThrow();
    }

    /** An account the Java producer puts on any partition but {@code partition}. */
    static String notOnPartition(int partition, int partitions) {
        return IntStream.range(0, 10_000).mapToObj(n -> "acct-" + n)
                .filter(account -> javaPartition(account, partitions) != partition)
                .findFirst().orElseThrow();
    }
}
