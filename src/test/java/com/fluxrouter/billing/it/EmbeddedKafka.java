package com.fluxrouter.billing.it;

import com.fluxrouter.billing.local.TopicSetup;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.JaasUtils;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;

import org.awaitility.Awaitility;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** A real single-node KRaft broker (combined broker and controller) in this JVM, for the *IT tests. */
final class EmbeddedKafka implements AutoCloseable {
    /** The test kit's super user on a SASL listener (PLAIN), for the test's own clients. */
    static final Map<String, Object> SASL_ADMIN = Map.of(
            "security.protocol", "SASL_PLAINTEXT",
            "sasl.mechanism", "PLAIN",
            "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                    + JaasUtils.KAFKA_PLAIN_ADMIN + "\" password=\"" + JaasUtils.KAFKA_PLAIN_ADMIN_PASSWORD + "\";");

    private final KafkaClusterTestKit cluster;
    /** Security settings of the test's own clients: none on PLAINTEXT. */
    private final Map<String, Object> clientSecurity;

    private EmbeddedKafka(KafkaClusterTestKit cluster, Map<String, Object> clientSecurity) {
        this.cluster = cluster;
        this.clientSecurity = clientSecurity;
    }

    static EmbeddedKafka start() throws Exception {
        return start(new TestKitNodes.Builder(), Map.of(), Map.of());
    }

    /**
     * A broker whose client listener (EXTERNAL) speaks SASL_PLAINTEXT with PLAIN (the kit's super user, for the
     * test's clients) and SCRAM-SHA-256 (users created with {@code alterUserScramCredentials}), with ACLs enforced.
     */
    static EmbeddedKafka startWithScram() throws Exception {
        TestKitNodes.Builder nodes = new TestKitNodes.Builder()
                .setBrokerListenerName(new ListenerName("EXTERNAL"))
                .setBrokerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT);
        return start(nodes, Map.of(
                // The controller listener stays PLAINTEXT, where broker and controller meet as ANONYMOUS.
                "super.users", "User:" + JaasUtils.KAFKA_PLAIN_ADMIN + ";User:ANONYMOUS",
                "sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-256",
                "listener.name.external.scram-sha-256.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;"), SASL_ADMIN);
    }

    private static EmbeddedKafka start(TestKitNodes.Builder builder, Map<String, String> brokerProps,
                                       Map<String, Object> clientSecurity) throws Exception {
        TestKitNodes nodes = builder
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                // The default is the unreleased testing version.
                .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
                .build();
        KafkaClusterTestKit.Builder cluster = new KafkaClusterTestKit.Builder(nodes);
        brokerProps.forEach(cluster::setConfigProp);
        return start(cluster, clientSecurity);
    }

    private static EmbeddedKafka start(KafkaClusterTestKit.Builder builder, Map<String, Object> clientSecurity) throws Exception {
        KafkaClusterTestKit cluster = builder
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("share.coordinator.state.topic.replication.factor", "1")
                .setConfigProp("share.coordinator.state.topic.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        return new EmbeddedKafka(cluster, clientSecurity);
    }

    /** Settings of a client of this broker: bootstrap servers and the test's own credentials. */
    Map<String, Object> clientSettings(Map<String, Object> settings) {
        Map<String, Object> all = new java.util.HashMap<>(settings);
        all.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        all.putAll(clientSecurity);
        return all;
    }

    String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /**
     * Creates the pipeline's topics (TopicSetup, as {@code topics} and {@code demo} do), which waits until every
     * partition has a leader: producing earlier can make the idempotent producer drop records (KAFKA-15591).
     */
    void createPipelineTopics(int partitions) throws Exception {
        try (Admin admin = Admin.create(clientSettings(Map.of()))) {
            TopicSetup.ensure(admin, partitions, (short) 1);
        }
    }

    /** The same, with the own catalog topics of that application id ({@code topics} with its application.id). */
    void createPipelineTopics(int partitions, String applicationId) throws Exception {
        try (Admin admin = Admin.create(clientSettings(Map.of()))) {
            TopicSetup.ensure(admin, applicationId, partitions, (short) 1);
        }
    }

    KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(clientSettings(Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * Reads committed records of a topic from the start until {@code expected} have arrived or the time is up;
     * returns what it read either way, so the caller's assertion says what is missing.
     */
    List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic, int expected, Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(clientSettings(Map.of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest")),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            // A little longer, to see records beyond the expected count that should not be there.
            consumer.poll(Duration.ofMillis(500)).forEach(records::add);
        }
        return records;
    }

    /**
     * Reads committed records of a topic from the start, through Awaitility, until one matches {@code sentinel}
     * (a record the test sent after the records under test, whose output therefore comes after theirs on a
     * one-partition topic); returns every record read, the sentinel's included. The caller then asserts the
     * sentinel is the last one: anything the records under test caused is before it, so nothing else may follow.
     *
     * @throws org.awaitility.core.ConditionTimeoutException when the sentinel does not arrive within {@code timeout}
     */
    List<ConsumerRecord<byte[], byte[]>> readCommittedThrough(String topic,
                                                              Predicate<ConsumerRecord<byte[], byte[]>> sentinel,
                                                              Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(clientSettings(Map.of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest")),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Awaitility.await("sentinel on " + topic).atMost(timeout).pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(10)).until(() -> {
                        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                        return records.stream().anyMatch(sentinel);
                    });
        }
        return records;
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
