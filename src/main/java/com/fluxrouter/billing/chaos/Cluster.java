package com.fluxrouter.billing.chaos;

import com.fluxrouter.billing.local.LocalBroker;
import com.fluxrouter.billing.local.Seed;
import com.fluxrouter.billing.local.TopicSetup;
import com.fluxrouter.billing.schema.AccountPlan;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.topology.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The suite's broker (a {@link LocalBroker} in this JVM) with the catalog and plans seeded once. Each scenario runs
 * as its own application (its own consumer group, state and internal topics) on fresh request and output topics,
 * so scenarios share the broker's start-up but nothing they are judged on.
 */
final class Cluster implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

    private final Path dir;
    private volatile LocalBroker broker;
    private final int port;
    private final Admin admin;

    private Cluster(Path dir, LocalBroker broker) {
        this.dir = dir;
        this.broker = broker;
        this.port = broker.port();
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    }

    /** Starts the broker, creates the topics and publishes the catalog and plans. */
    static Cluster start(Path dir, int partitions, List<AccountPlan> plans, Serdes serdes) throws Exception {
        Cluster cluster = new Cluster(dir, LocalBroker.start(dir.resolve("broker"), 0));
        try {
            TopicSetup.ensure(cluster.admin, partitions, (short) 1);
            try (KafkaProducer<byte[], byte[]> producer = Seed.producer(cluster.bootstrapServers())) {
                Seed.catalog(producer, serdes);
                Seed.plans(producer, serdes, plans);
            }
            return cluster;
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
    }

    String bootstrapServers() {
        return broker.bootstrapServers();
    }

    Admin admin() {
        return admin;
    }

    /** Deletes the request and output topics of the previous scenario and creates them empty. */
    void freshTraffic(int partitions) throws Exception {
        List<String> topics = new ArrayList<>(Topics.OUTPUTS);
        topics.add(Topics.ROUTED);
        admin.deleteTopics(topics).all().get(60, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (true) {
            Set<String> left = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            if (topics.stream().noneMatch(left::contains)) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("topics not deleted after " + READY_TIMEOUT + ": " + topics);
            }
            Thread.sleep(100);
        }
        TopicSetup.ensure(admin, partitions, (short) 1);
    }

    /** Stops the broker (cleanly: a broker crash is not the fault under test) and starts it again in place. */
    void restart(Duration down) throws Exception {
        broker.close();
        Thread.sleep(down.toMillis()); // the outage itself: every client must ride it out
        broker = LocalBroker.start(dir.resolve("broker"), port);
    }

    @Override
    public void close() {
        admin.close();
        broker.close();
    }
}
