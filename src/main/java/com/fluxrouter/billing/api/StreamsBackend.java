package com.fluxrouter.billing.api;

import com.fluxrouter.billing.alerts.Alert;
import com.fluxrouter.billing.errors.Reason;
import com.fluxrouter.billing.errors.RejectionCounts;
import com.fluxrouter.billing.metering.MeteringFlow;
import com.fluxrouter.billing.metering.OutputCounts;
import com.fluxrouter.billing.metering.PlanTimeline;
import com.fluxrouter.billing.plans.PlanFlow;
import com.fluxrouter.billing.schema.state.MonthLedger;
import com.fluxrouter.billing.schema.state.PlanHistory;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.ValueAndTimestamp;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;

/** The API's view of a running Kafka Streams instance: ownership from its metadata, state through IQv2. */
public final class StreamsBackend implements Backend {
    private final KafkaStreams streams;
    private final HostInfo self;
    private final long readyMaxLag;
    private final StringSerializer keys = new StringSerializer();

    /**
     * @param self        this instance's {@code application.server}
     * @param readyMaxLag most records an instance may be behind on its inputs and still be ready
     */
    public StreamsBackend(KafkaStreams streams, HostInfo self, long readyMaxLag) {
        this.streams = streams;
        this.self = self;
        this.readyMaxLag = readyMaxLag;
    }

    @Override
    public boolean alive() {
        KafkaStreams.State state = streams.state();
        return state != KafkaStreams.State.ERROR && state != KafkaStreams.State.PENDING_ERROR
                && state != KafkaStreams.State.NOT_RUNNING;
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

    /**
     * Every Kafka Streams and client metric as a gauge {@code kafka_<group>_<name>{tags}} (the pipeline's sensors
     * among them), then the pipeline's process-wide counters: rejections by reason, alerts by alert, overage updates.
     * Every reason and alert is listed from zero, so a dashboard's series exist before the first event.
     */
    @Override
    public String metrics() {
        PrometheusText text = new PrometheusText();
        for (Map.Entry<MetricName, ? extends Metric> entry : streams.metrics().entrySet()) {
            if (entry.getValue().metricValue() instanceof Number value) {
                MetricName name = entry.getKey();
                text.gauge("kafka_" + name.group() + "_" + name.name(), name.tags(), value.doubleValue());
            }
        }
        for (Reason reason : Reason.values()) {
            text.counter("flux_billing_rejected_total", Map.of("reason", reason.name()), RejectionCounts.of(reason));
        }
        for (Alert alert : Alert.values()) {
            text.counter("flux_billing_alerts_total", Map.of("alert", alert.name()), OutputCounts.alerts(alert));
        }
        text.counter("flux_billing_overage_updates_total", Map.of(), OutputCounts.overageUpdates());
        return text.render();
    }
}
