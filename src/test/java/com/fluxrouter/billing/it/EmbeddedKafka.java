package com.fluxrouter.billing.it;

import com.fluxrouter.billing.local.TopicSetup;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.JaasUtils;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;

import org.awaitility.Awaitility;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real single-node KRaft broker (combined broker and controller) in this JVM, for the *IT tests: started and
 * closed by {@link BrokerExtension} (tests declare {@link WithBroker}), with what tests need of it: client settings,
 * an admin, a topic factory, producers and the committed-records reader.
 */
final class EmbeddedKafka implements AutoCloseable {
    /** The test kit's super user on a SASL listener (PLAIN), for the test's own clients. */
    static final Map<String, Object> SASL_ADMIN = Map.of(
            "security.protocol", "SASL_PLAINTEXT",
            "sasl.mechanism", "PLAIN",
            "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                    + JaasUtils.KAFKA_PLAIN_ADMIN + "\" password=\"" + JaasUtils.KAFKA_PLAIN_ADMIN_PASSWORD + "\";");

    private static final String JAAS_PROPERTY = "java.security.auth.login.config";

    private final KafkaClusterTestKit cluster;
    /** Security settings of the test's own clients: none on PLAINTEXT. */
    private final Map<String, Object> clientSecurity;
    /** Puts back the JVM-wide JAAS configuration, which the test kit points at its file for SASL; null if unchanged. */
    private final Runnable restoreJaas;
    private Admin admin;

    private EmbeddedKafka(KafkaClusterTestKit cluster, Map<String, Object> clientSecurity, Runnable restoreJaas) {
        this.cluster = cluster;
        this.clientSecurity = clientSecurity;
        this.restoreJaas = restoreJaas;
    }

    /** A PLAINTEXT broker; for {@link BrokerExtension} only, which closes it. */
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
        String jaas = System.getProperty(JAAS_PROPERTY);
        Runnable restoreJaas = () -> {
            if (jaas == null) {
                System.clearProperty(JAAS_PROPERTY);
            } else {
                System.setProperty(JAAS_PROPERTY, jaas);
            }
        };
        KafkaClusterTestKit cluster = builder
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("share.coordinator.state.topic.replication.factor", "1")
                .setConfigProp("share.coordinator.state.topic.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                // Below the default 6 s minimum, for tests whose clients ask for short sessions (a crash loop's
                // turns each wait one out); clients that ask for nothing keep their 45 s.
                .setConfigProp("group.min.session.timeout.ms", "1000")
                .build();
        try {
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
        } catch (Exception | Error e) {
            restoreJaas.run();
            try {
                cluster.close();
            } catch (Exception closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
        return new EmbeddedKafka(cluster, clientSecurity,
                Objects.equals(jaas, System.getProperty(JAAS_PROPERTY)) ? null : restoreJaas);
    }

    /** Settings of a client of this broker: bootstrap servers and the test's own credentials. */
    Map<String, Object> clientSettings(Map<String, Object> settings) {
        Map<String, Object> all = new HashMap<>(settings);
        all.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        all.putAll(clientSecurity);
        return all;
    }

    String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** An admin client of this broker, shared by the test class and closed with the broker. */
    synchronized Admin admin() {
        if (admin == null) {
            admin = Admin.create(clientSettings(Map.of()));
        }
        return admin;
    }

    /**
     * Creates the topics and waits until every partition has a leader: producing earlier can make the idempotent
     * producer drop records (KAFKA-15591).
     */
    void createTopics(NewTopic... topics) throws Exception {
        admin().createTopics(List.of(topics)).all().get(60, TimeUnit.SECONDS);
        List<String> names = Arrays.stream(topics).map(NewTopic::name).toList();
        Awaitility.await("leaders of " + names).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(() -> admin().describeTopics(names).allTopicNames().get().values().stream()
                        .flatMap(topic -> topic.partitions().stream()).allMatch(partition -> partition.leader() != null));
    }

    /**
     * Creates the pipeline's topics (TopicSetup, as {@code topics} and {@code demo} do, which waits for leaders too),
     * with the own catalog topics of {@code applicationId} (empty: the default application id).
     */
    void createPipelineTopics(int partitions, String applicationId) throws Exception {
        if (applicationId.isEmpty()) {
            TopicSetup.ensure(admin(), partitions, (short) 1);
        } else {
            TopicSetup.ensure(admin(), applicationId, partitions, (short) 1);
        }
    }

    KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(clientSettings(Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** The topic's committed records now ({@link CommittedRecords#snapshot}). */
    List<ConsumerRecord<byte[], byte[]>> committed(String topic) {
        return CommittedRecords.snapshot(clientSettings(Map.of()), topic);
    }

    /** The topic's committed records now, after the offsets {@code from}. */
    List<ConsumerRecord<byte[], byte[]>> committed(String topic, Map<TopicPartition, Long> from) {
        return CommittedRecords.snapshot(clientSettings(Map.of()), topic, from);
    }

    /** Snapshots of the topic until one satisfies {@code until} ({@link CommittedRecords#await}); returns it. */
    List<ConsumerRecord<byte[], byte[]>> awaitCommitted(String topic,
                                                        Predicate<List<ConsumerRecord<byte[], byte[]>>> until,
                                                        Duration timeout) {
        return CommittedRecords.await(clientSettings(Map.of()), topic, until, timeout);
    }

    /**
     * Snapshots of the topic until one holds at least {@code count} records; returns it. At least: it proves
     * presence, never absence (for that, a sentinel).
     */
    List<ConsumerRecord<byte[], byte[]>> awaitCommitted(String topic, int count, Duration timeout) {
        return awaitCommitted(topic, records -> records.size() >= count, timeout);
    }

    @Override
    public void close() throws Exception {
        try (AutoCloseable broker = cluster; AutoCloseable client = admin) {
            // the admin first, then the broker
        } finally {
            if (restoreJaas != null) {
                restoreJaas.run();
            }
        }
    }
}
