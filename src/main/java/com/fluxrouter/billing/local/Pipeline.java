package com.fluxrouter.billing.local;

import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.topology.ValidCopySeed;
import com.fluxrouter.billing.errors.Rejections;
import com.fluxrouter.billing.observability.PipelineMeters;
import com.fluxrouter.billing.observability.RestoreLog;
import com.fluxrouter.billing.observability.StreamsLifecycle;
import com.fluxrouter.billing.observability.ThreadReplacements;
import com.fluxrouter.billing.serde.SchemaRegistration;
import com.fluxrouter.billing.serde.SchemaRegistryClient;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.serde.WireFormat;
import com.fluxrouter.billing.topology.BillingTopology;
import com.fluxrouter.billing.topology.StreamsSettings;
import com.fluxrouter.billing.topology.TopicSchemas;
import com.fluxrouter.billing.topology.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The billing topology running on a cluster: one Kafka Streams instance of the application, with its own meters
 * ({@link PipelineMeters}), its state changes, assignments and restorations logged at INFO, and its thread
 * replacements counted for the health check.
 */
public final class Pipeline implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);
    private final KafkaStreams streams;
    private final BillingConfig config;
    private final Properties properties = new Properties();
    private final Map<String, Object> settings;
    private final String applicationId;
    private final RestartBackoff restarts = new RestartBackoff(System::nanoTime);
    private final PipelineMeters meters;
    private final ThreadReplacements replacements;
    private final StreamsLifecycle lifecycle;

    /**
     * @param config the pipeline's settings, checked by {@link StreamsSettings#live}
     * @throws org.apache.kafka.common.config.ConfigException without bootstrap servers, or for a setting that can lose
     *                                                        or double-count usage without flux.unsafe.allow=true
     * @throws com.fluxrouter.billing.serde.RegistryException in the registry format, when the output schemas cannot be
     *                                                        registered or are missing
     */
    public Pipeline(BillingConfig config) {
        this.settings = StreamsSettings.live(config);
        this.applicationId = StreamsSettings.applicationId(config);
        prepareSchemas(config);
        this.config = config;
        this.meters = PipelineMeters.prometheus();
        properties.putAll(settings);
        RequestPartitions.resolve(properties);
        // The code Kafka Streams instantiates (processors, the rejection handler) counts into this instance's meters.
        properties.put(PipelineMeters.CONFIG_KEY, meters);
        this.replacements = new ThreadReplacements(config.healthMaxThreadReplacements(),
                config.healthReplacementWindow(), System::nanoTime);
        this.streams = new KafkaStreams(BillingTopology.build(config), properties);
        // A failure outside record processing (records themselves are rejected, never fatal), or the schema
        // registry failing: start the thread again from the last committed state rather than stop billing.
        streams.setUncaughtExceptionHandler(this::replaceAfterBackoff);
        this.lifecycle = StreamsLifecycle.watch(streams);
        streams.setGlobalStateRestoreListener(new RestoreLog());
        meters.bind(streams, config.metricsRefreshInterval());
    }

    /**
     * Runs on the failed thread, so waiting here delays only its replacement. The first failure of a series is
     * logged with its stack trace; the ones in a row after it, one line each.
     */
    private StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse replaceAfterBackoff(Throwable exception) {
        replacements.replaced();
        meters.threadReplaced();
        int failures = restarts.failed();
        Duration wait = RestartBackoff.waitAfter(failures);
        if (failures == 1) {
            LOG.error("Stream thread failed; replacing it", exception);
        } else {
            LOG.warn("Stream thread failed again ({} in a row): {}; replacing it in {} s", failures,
                    Rejections.describe(exception), wait.toSeconds());
        }
        // In slices, so a close during the wait is not held up by it (close does not interrupt stream threads).
        long until = System.nanoTime() + wait.toNanos();
        try {
            while (System.nanoTime() < until && !closing()) {
                Thread.sleep(Math.min(100, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
            }
        } catch (InterruptedException closing) {
            Thread.currentThread().interrupt();
        }
        return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
    }

    /**
     * In the registry format, the subjects the pipeline writes are settled before it starts, so a refused or missing
     * schema fails the start with its subject named instead of failing on the first output record: registered (with
     * BACKWARD compatibility) when the pipeline may register, else checked to be there already. Through the
     * process's shared client ({@link Serdes#registryClient}), which keeps their ids: the topology's serializers and
     * the rejection handler then write without asking the registry, so a registry outage after the start cannot
     * fail an output half-way through a record.
     */
    static void prepareSchemas(BillingConfig config) {
        if (config.wireFormat() != WireFormat.REGISTRY) {
            return;
        }
        SchemaRegistryClient registry = Serdes.registryClient(config);
        if (config.autoRegister()) {
            SchemaRegistration.registerAll(registry, TopicSchemas.written());
        } else {
            SchemaRegistration.verifyAll(registry, TopicSchemas.written());
        }
    }

    private boolean closing() {
        KafkaStreams.State state = streams.state();
        return state.isShuttingDown() || state == KafkaStreams.State.NOT_RUNNING || state == KafkaStreams.State.ERROR;
    }

    /**
     * Creates the application's own topics if they are missing (as Kafka Streams creates its internal topics),
     * fills its validated copies of the catalog and plans if they are empty (a first start over topics with history,
     * or the upgrade that added a copy: {@link ValidCopySeed}), so the global stores start complete, then starts
     * processing.
     *
     * @throws IllegalStateException when the topics cannot be listed, created or read (missing, unreachable)
     */
    public Pipeline start() {
        ensureOwnTopics();
        ValidCopySeed.seedIfEmpty(new StreamsConfig(properties), Serdes.of(config));
        streams.start();
        return this;
    }

    private void ensureOwnTopics() {
        Map<String, Object> admin = new HashMap<>();
        settings.forEach((key, value) -> {
            if (AdminClientConfig.configNames().contains(key)) {
                admin.put(key, value);
            }
        });
        Optional<Short> replication = Optional.ofNullable(settings.get(StreamsConfig.REPLICATION_FACTOR_CONFIG))
                .map(value -> Short.parseShort(value.toString())).filter(factor -> factor > 0);
        try (Admin client = Admin.create(admin)) {
            List<String> created = TopicSetup.ensureOwned(client, applicationId, replication);
            if (!created.isEmpty()) {
                LOG.info("Created the pipeline's own topics {}", created);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the pipeline's own topics", e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the pipeline's own topics " + Topics.owned(applicationId)
                    + " (create them with the topics command): " + e.getMessage(), e);
        }
    }

    /**
     * Waits until a store (a global catalog store, or the plan history) holds at least {@code entries} entries:
     * requests priced before the catalog reaches the global stores would be rejected.
     */
    public void awaitEntries(String store, long entries, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long seen = 0;
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                ReadOnlyKeyValueStore<Object, Object> view = streams.store(
                        StoreQueryParameters.fromNameAndType(store, QueryableStoreTypes.keyValueStore()));
                seen = 0;
                // Counted, not estimated: RocksDB's estimate is rough for a handful of keys.
                try (KeyValueIterator<Object, Object> all = view.all()) {
                    for (; all.hasNext(); all.next()) {
                        seen++;
                    }
                }
                if (seen >= entries) {
                    return;
                }
            } catch (InvalidStateStoreException notReadyYet) {
                last = notReadyYet;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("store " + store + " holds " + seen + " of " + entries + " entries after "
                + timeout + " (pipeline " + streams.state() + ")", last);
    }

    public KafkaStreams streams() {
        return streams;
    }

    /** This instance's meters: what its {@code /metrics} serves. */
    public PipelineMeters meters() {
        return meters;
    }

    /** Stream threads replaced recently: the health check's input. */
    public ThreadReplacements replacements() {
        return replacements;
    }

    /** The client's state changes, and whether it stopped on its own. */
    public StreamsLifecycle lifecycle() {
        return lifecycle;
    }

    /**
     * Commits what was processed and leaves the group, so its partitions move at once rather than after the
     * session timeout (45 s without static membership): alerts must not stall that long. Nothing is lost, nothing
     * is processed twice.
     */
    @Override
    public void close() {
        lifecycle.closing();
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
        meters.close();
    }
}
