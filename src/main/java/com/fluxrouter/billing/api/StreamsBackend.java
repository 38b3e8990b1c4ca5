package com.fluxrouter.billing.api;

import com.fluxrouter.billing.metering.MeteringFlow;
import com.fluxrouter.billing.metering.PlanTimeline;
import com.fluxrouter.billing.plans.PlanFlow;
import com.fluxrouter.billing.schema.SpendStatus;
import com.fluxrouter.billing.schema.state.MonthLedger;
import com.fluxrouter.billing.schema.state.PlanHistory;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The API's view of a running Kafka Streams instance: ownership from its metadata, usage through IQv2 on active
 * stores, spend status through interactive queries that may read standby copies within a lag, health from its state
 * and its recent thread replacements, metrics from the instance's registry.
 */
public final class StreamsBackend implements Backend {
    /**
     * How long a reading of the local stores' changelog lags is reused: each reading asks the brokers for the
     * changelogs' end offsets, which Kafka Streams advises doing no more than every few seconds. Within a second a
     * standby's lag barely moves.
     */
    private static final long LAGS_REUSED_NANOS = TimeUnit.SECONDS.toNanos(1);
    /**
     * How long a local copy of a spend-status partition that the route counts on may stay unqueryable before this
     * instance gives up on it: long enough for a standby to become the active task (SpendControlIT saw three checks
     * in a row fail without it), short enough that a copy moved to another instance costs a check 2 s at most.
     */
    private static final long HANDOVER_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final Logger LOG = LoggerFactory.getLogger(StreamsBackend.class);

    private final KafkaStreams streams;
    private final HostInfo self;
    private final long readyMaxLag;
    private final long statusMaxLag;
    private final BooleanSupplier crashLooping;
    private final Supplier<String> exposition;
    private final StringSerializer keys = new StringSerializer();
    /** The last reading of the status lags; null before the first. */
    private volatile StatusLags statusLags;

    /** Changelog lags of the local copies of the spend-status store's partitions, as read at {@code readAt}. */
    private record StatusLags(long readAt, Map<Integer, Long> byPartition) {
    }

    /**
     * For ownership and state queries only: never crash-looping, no metrics, spend status from current copies only
     * (a status max lag of 0).
     *
     * @param self        this instance's {@code application.server}
     * @param readyMaxLag most records an instance may be behind on its inputs and still be ready
     */
    public StreamsBackend(KafkaStreams streams, HostInfo self, long readyMaxLag) {
        this(streams, self, readyMaxLag, 0, () -> false, () -> "");
    }

    /**
     * @param self         this instance's {@code application.server}
     * @param readyMaxLag  most records an instance may be behind on its inputs and still be ready
     * @param statusMaxLag most changelog offsets a standby or restoring copy of a spend-status partition may be
     *                     behind and still answer ({@code flux.http.status-max-lag})
     * @param crashLooping true while stream threads are replaced too often to be healthy
     *                     ({@code ThreadReplacements::tooMany})
     * @param exposition   the Prometheus text of the instance's meters ({@code PipelineMeters::scrape})
     */
    public StreamsBackend(KafkaStreams streams, HostInfo self, long readyMaxLag, long statusMaxLag,
                          BooleanSupplier crashLooping, Supplier<String> exposition) {
        this.streams = streams;
        this.self = self;
        this.readyMaxLag = readyMaxLag;
        this.statusMaxLag = statusMaxLag;
        this.crashLooping = crashLooping;
        this.exposition = exposition;
    }

    /**
     * Not ERROR, PENDING_ERROR or NOT_RUNNING, and stream threads not replaced more than
     * {@code flux.health.max-thread-replacements} times within {@code flux.health.replacement-window}: a crash loop
     * is not alive, so the orchestrator restarts the instance.
     */
    @Override
    public boolean alive() {
        KafkaStreams.State state = streams.state();
        return state != KafkaStreams.State.ERROR && state != KafkaStreams.State.PENDING_ERROR
                && state != KafkaStreams.State.NOT_RUNNING && !crashLooping.getAsBoolean();
    }

    /** RUNNING (state restored, partitions assigned) and caught up with its inputs. */
    @Override
    public boolean ready() {
        return streams.state() == KafkaStreams.State.RUNNING && inputLag() <= readyMaxLag;
    }

    /**
     * The largest current lag of a partition fetched by a stream thread's main consumer (restore and global
     * consumers do not count); partitions not fetched yet report nothing.
     */
    private double inputLag() {
        double lag = 0;
        for (Map.Entry<MetricName, ? extends Metric> entry : streams.metrics().entrySet()) {
            MetricName name = entry.getKey();
            String client = name.tags().getOrDefault("client-id", "");
            if (name.name().equals("records-lag") && name.group().equals("consumer-fetch-manager-metrics")
                    && name.tags().containsKey("partition")
                    && client.contains("-StreamThread-") && client.endsWith("-consumer") && !client.endsWith("-restore-consumer")
                    && entry.getValue().metricValue() instanceof Number value && !Double.isNaN(value.doubleValue())) {
                lag = Math.max(lag, value.doubleValue());
            }
        }
        return lag;
    }

    @Override
    public Owner ownerOf(String account) throws NotReady {
        KeyQueryMetadata metadata = metadata(account);
        HostInfo owner = metadata.activeHost();
        return owner.equals(self) ? new Here() : new Elsewhere(owner.host() + ":" + owner.port());
    }

    @Override
    public MonthLedger ledger(String account, String month) throws NotReady {
        return query(MeteringFlow.MONTHS_STORE, account, MeteringFlow.ledgerKey(account, month), MonthLedger.class);
    }

    @Override
    public ZoneId zoneOf(String account) throws NotReady {
        PlanHistory history = query(PlanFlow.STORE, account, account, PlanHistory.class);
        return history == null ? ZoneOffset.UTC
                : PlanTimeline.of(history.getVersions()).zoneAt(Instant.now().toEpochMilli());
    }

    /**
     * The hosts of the account's partition of {@link MeteringFlow#STATUS_STORE} from this instance's metadata, while
     * RUNNING or REBALANCING (the metadata may then be a moment old; a host that no longer holds a copy answers 503
     * and the next is asked), ordered by {@link StatusRoute#of}.
     */
    @Override
    public StatusRoute statusRoute(String account) throws NotReady {
        KafkaStreams.State state = streams.state();
        if (state != KafkaStreams.State.RUNNING && state != KafkaStreams.State.REBALANCING) {
            throw new NotReady("the pipeline is " + state + "; ask again shortly");
        }
        KeyQueryMetadata metadata;
        try {
            metadata = streams.queryMetadataForKey(MeteringFlow.STATUS_STORE, account, keys);
        } catch (IllegalStateException | StreamsException e) {
            throw new NotReady("no host of " + account + " yet (" + e.getMessage() + "); ask again shortly");
        }
        if (metadata == null || metadata.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
            throw new NotReady("no host of " + account + " yet; ask again shortly");
        }
        boolean running = state == KafkaStreams.State.RUNNING;
        // The active copy of a running instance answers without a lag: reading lags costs a broker round trip.
        OptionalLong lag = running && metadata.activeHost().equals(self) ? OptionalLong.empty()
                : statusLag(metadata.partition());
        return StatusRoute.of(metadata, self, running, lag, statusMaxLag);
    }

    /**
     * Interactive query with stale stores enabled: the active copy here, or a standby or restoring one. A copy that
     * changes hands inside this instance (a standby becoming the active task when its owner left) is not queryable
     * for a moment ("partition does not exist"); the query is repeated every 10 ms for up to
     * {@link #HANDOVER_NANOS}, so that moment does not fail the fleet's check.
     *
     * <p>Only a current copy (queryable without stale stores: an active task of a RUNNING stream thread) may say an
     * account has no status: a standby or a restoring copy may not have reached its record yet (a task just moved
     * here restores while the instance is REBALANCING, its stale copy answering), so a miss there is
     * {@link NotReady} and the caller asks the next copy.
     *
     * @return the account's last spend status; null when the current copy holds none
     * @throws NotReady when no copy here can answer
     */
    @Override
    public SpendStatus status(String account, int partition) throws NotReady {
        SpendStatus status = query(account, partition, true);
        if (status != null) {
            return status;
        }
        try {
            return statusStore(partition, false).get(account);
        } catch (InvalidStateStoreException | IllegalStateException notCurrent) {
            throw new NotReady("the copy of partition " + partition + " of " + MeteringFlow.STATUS_STORE
                    + " here is not current and has no status of " + account + " yet");
        }
    }

    private SpendStatus query(String account, int partition, boolean stale) throws NotReady {
        long deadline = System.nanoTime() + HANDOVER_NANOS;
        while (true) {
            try {
                return statusStore(partition, stale).get(account);
            } catch (InvalidStateStoreException | IllegalStateException e) {
                if (System.nanoTime() > deadline) {
                    throw new NotReady("partition " + partition + " of " + MeteringFlow.STATUS_STORE
                            + " is not queryable here (" + e.getMessage() + ")");
                }
            }
            try {
                Thread.sleep(10); // the task's handover inside this instance, measured in tens of milliseconds
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new NotReady("interrupted");
            }
        }
    }

    private ReadOnlyKeyValueStore<String, SpendStatus> statusStore(int partition, boolean stale) {
        StoreQueryParameters<ReadOnlyKeyValueStore<String, SpendStatus>> query = StoreQueryParameters.fromNameAndType(
                MeteringFlow.STATUS_STORE, QueryableStoreTypes.<String, SpendStatus>keyValueStore()).withPartition(partition);
        return streams.store(stale ? query.enableStaleStores() : query);
    }

    /** Offsets this instance's copy of the partition is behind its changelog; empty when it holds none. */
    private OptionalLong statusLag(int partition) {
        StatusLags lags = statusLags;
        long now = System.nanoTime();
        if (lags == null || now - lags.readAt() > LAGS_REUSED_NANOS) {
            lags = new StatusLags(now, readStatusLags());
            statusLags = lags;
        }
        Long lag = lags.byPartition().get(partition);
        return lag == null ? OptionalLong.empty() : OptionalLong.of(lag);
    }

    /** A failed reading counts as no copy here: a lag that cannot be read cannot be shown to be small. */
    private Map<Integer, Long> readStatusLags() {
        try {
            Map<Integer, Long> lags = new HashMap<>();
            streams.allLocalStorePartitionLags().getOrDefault(MeteringFlow.STATUS_STORE, Map.of())
                    .forEach((partition, info) -> lags.put(partition, info.offsetLag()));
            return lags;
        } catch (StreamsException e) {
            LOG.warn("could not read the changelog lags of the local {} copies; answering from current copies only",
                    MeteringFlow.STATUS_STORE, e);
            return Map.of();
        }
    }

    private <T> T query(String store, String account, String key, Class<T> type) throws NotReady {
        int partition = metadata(account).partition();
        StateQueryRequest<Object> request = StateQueryRequest.inStore(store)
                .withQuery(KeyQuery.<String, Object>withKey(key))
                .withPartitions(Set.of(partition))
                .requireActive();
        StateQueryResult<Object> result = streams.query(request);
        QueryResult<Object> answer = result.getPartitionResults().get(partition);
        if (answer == null || answer.isFailure()) {
            throw new NotReady(answer == null ? "partition " + partition + " is not here yet" : answer.getFailureMessage());
        }
        Object value = answer.getResult();
        // Table stores hold values with their timestamps.
        if (value instanceof ValueAndTimestamp<?> timestamped) {
            value = timestamped.value();
        }
        return type.cast(value);
    }

    /** Usage is served while RUNNING, caught up or not: the figures are month-to-date as far as processed. */
    private KeyQueryMetadata metadata(String account) throws NotReady {
        if (streams.state() != KafkaStreams.State.RUNNING) {
            throw new NotReady("the pipeline is " + streams.state() + "; ask again shortly");
        }
        KeyQueryMetadata metadata = streams.queryMetadataForKey(MeteringFlow.MONTHS_STORE, account, keys);
        if (metadata == null || metadata.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
            throw new NotReady("no owner of " + account + " yet; ask again shortly");
        }
        return metadata;
    }

    /** The instance's meters in the Prometheus text format (what is in it: PipelineMeters and the README). */
    @Override
    public String metrics() {
        return exposition.get();
    }
}
