package com.fluxrouter.billing.chaos;

import com.fluxrouter.billing.catalog.CatalogFlow;
import com.fluxrouter.billing.catalog.PublishedPriceList;
import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.local.LocalBroker;
import com.fluxrouter.billing.local.Pipeline;
import com.fluxrouter.billing.local.Seed;
import com.fluxrouter.billing.local.TopicSetup;
import com.fluxrouter.billing.schema.AccountPlan;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.topology.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.streams.StreamsConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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
    private final Map<String, String> pipelineSettings;

    private Cluster(Path dir, LocalBroker broker, Map<String, String> pipelineSettings) {
        this.dir = dir;
        this.pipelineSettings = Map.copyOf(pipelineSettings);
        this.broker = broker;
        this.port = broker.port();
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    }

    /** Starts the broker, creates the topics and publishes the catalog and plans. */
    static Cluster start(Path dir, int partitions, List<AccountPlan> plans, Serdes serdes,
                         Map<String, String> pipelineSettings) throws Exception {
        Cluster cluster = new Cluster(dir, LocalBroker.start(dir.resolve("broker"), 0), pipelineSettings);
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

    /**
     * Runs a pipeline of the application in this JVM until the catalog has passed validation into the application's
     * own topics ({@code <applicationId>.catalog.*.valid}): every instance started later loads its global catalog
     * stores from them before it prices anything. It joins the application's group before any request is sent, as
     * an earlier instance of the same deployment would.
     */
    void seedCatalog(String applicationId, Path stateDir) throws Exception {
        Map<String, String> settings = new HashMap<>(pipelineSettings);
        settings.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        settings.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        settings.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        try (Pipeline pipeline = new Pipeline(BillingConfig.of(settings)).start()) {
            pipeline.awaitEntries(CatalogFlow.MODELS_STORE, PublishedPriceList.models().size(), READY_TIMEOUT);
            pipeline.awaitEntries(CatalogFlow.RATES_STORE, PublishedPriceList.rates().size(), READY_TIMEOUT);
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
