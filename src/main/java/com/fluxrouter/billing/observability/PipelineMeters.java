package com.fluxrouter.billing.observability;

import com.fluxrouter.billing.alerts.Alert;
import com.fluxrouter.billing.errors.Reason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.streams.KafkaStreams;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * One pipeline instance's meters, in its own Prometheus registry (never the JVM-global one, so two instances in one
 * process, as in the tests, count apart). Holds the pipeline's own counters:
 * <ul>
 *   <li>{@code flux_billing_rejected_total{reason}}: rejections written, by {@link Reason};</li>
 *   <li>{@code flux_billing_alerts_total{alert}}: spend alerts emitted, by {@link Alert} (rule of spend alerts in
 *       docs/billing-rules.md);</li>
 *   <li>{@code flux_billing_overage_updates_total}: overage updates emitted;</li>
 *   <li>{@code flux_billing_stream_thread_replacements_total}: stream threads that failed and were replaced.</li>
 * </ul>
 * The first three are counted when a stream thread processes the record, before its transaction commits: work rolled
 * back by an aborted transaction (a failed thread, a fenced producer) is processed again and counted again. They count
 * attempts, and their help text says so; the committed figures are the output topics, read with
 * {@code isolation.level=read_committed}. Every reason and alert is registered from zero, so a dashboard's series
 * exist before the first event. Counts only: money never appears here.
 *
 * <p>Thread-safe: counters are shared by every stream thread of the instance.
 */
public final class PipelineMeters implements AutoCloseable {
    /**
     * Key under which the pipeline hands its meters to the code Kafka Streams instantiates (processors read
     * {@code appConfigs()}, exception handlers {@code configure}). Deliberately not a {@code flux.*} setting: it is an
     * object, not configuration a user could write.
     */
    public static final String CONFIG_KEY = "flux-billing.internal.meters";

    static final String ATTEMPTS = " Counted when processed, before the transaction commits: work rolled back by an"
            + " aborted transaction is processed and counted again, so this counts attempts; the output topic read"
            + " with isolation.level=read_committed holds the committed figure.";

    private final MeterRegistry registry;
    private final Map<Reason, Counter> rejected = new EnumMap<>(Reason.class);
    private final Map<Alert, Counter> alerts = new EnumMap<>(Alert.class);
    private final Counter overageUpdates;
    private final Counter threadReplacements;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    /** Meters in {@code registry}, which the caller owns (a test's SimpleMeterRegistry, say). */
    public PipelineMeters(MeterRegistry registry) {
        this.registry = registry;
        for (Reason reason : Reason.values()) {
            rejected.put(reason, Counter.builder("flux.billing.rejected").tag("reason", reason.name())
                    .description("Records written to flux.requests.rejected, by reason." + ATTEMPTS)
                    .register(registry));
        }
        for (Alert alert : Alert.values()) {
            alerts.put(alert, Counter.builder("flux.billing.alerts").tag("alert", alert.name())
                    .description("Spend alerts written to flux.spend.alerts, by alert." + ATTEMPTS)
                    .register(registry));
        }
        overageUpdates = Counter.builder("flux.billing.overage.updates")
                .description("Overage updates written to flux.usage.overage." + ATTEMPTS)
                .register(registry);
        threadReplacements = Counter.builder("flux.billing.stream.thread.replacements")
                .description("Stream threads of this instance that failed and were replaced (after a backoff).")
                .register(registry);
    }

    /**
     * A Prometheus registry of its own with the JVM binders (memory, GC, threads, class loading, CPU, uptime) bound:
     * what a live instance serves on {@code /metrics}.
     */
    public static PipelineMeters prometheus() {
        PipelineMeters meters = new PipelineMeters(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        JvmGcMetrics gc = new JvmGcMetrics();
        meters.closeables.add(gc);
        for (MeterBinder binder : List.of(new JvmMemoryMetrics(), gc, new JvmThreadMetrics(), new ClassLoaderMetrics(),
                new ProcessorMetrics(), new UptimeMetrics())) {
            binder.bindTo(meters.registry);
        }
        return meters;
    }

    /** Meters nobody reads: for topologies run without a pipeline instance (replay, TopologyTestDriver tests). */
    public static PipelineMeters unread() {
        return new PipelineMeters(new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    }

    /**
     * The meters the pipeline put into its Streams settings under {@link #CONFIG_KEY}, or {@link #unread()} when
     * there are none (the topology runs on TopologyTestDriver or in replay).
     *
     * @param configs {@code appConfigs()} of a processor context, or the map an exception handler is configured with
     */
    public static PipelineMeters from(Map<String, ?> configs) {
        return configs.get(CONFIG_KEY) instanceof PipelineMeters meters ? meters : unread();
    }

    /**
     * Binds every metric of the Kafka Streams client and its producers and consumers
     * ({@code kafka_<group without -metrics>_<name>}, Kafka's {@code *-total} and {@code *-count} as counters, the rest as
     * gauges). Micrometer's binder re-reads the client's metrics every {@code refresh}
     * ({@code flux.metrics.refresh-interval}): it binds those Kafka created since and removes those that are gone, so
     * a replaced thread's series leave {@code /metrics} within {@code refresh} of Kafka Streams removing them.
     */
    public void bind(KafkaStreams streams, Duration refresh) {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "micrometer-kafka-metrics");
            thread.setDaemon(true);
            return thread;
        });
        KafkaStreamsMetrics binder = new KafkaStreamsMetrics(streams, List.of(), scheduler, refresh);
        binder.bindTo(registry);
        // Given to the binder, so not shut down by its close: first, as the binder does with a scheduler of its own,
        // so that no re-read binds meters again once the binder has removed them.
        closeables.add(scheduler::shutdownNow);
        closeables.add(binder);
    }

    /** Counts one rejection written with {@code reason}. */
    public void rejected(Reason reason) {
        rejected.get(reason).increment();
    }

    /** Counts one spend alert emitted. */
    public void alertFired(Alert alert) {
        alerts.get(alert).increment();
    }

    /** Counts one overage update emitted. */
    public void overageUpdated() {
        overageUpdates.increment();
    }

    /** Counts one stream thread replaced. */
    public void threadReplaced() {
        threadReplacements.increment();
    }

    public MeterRegistry registry() {
        return registry;
    }

    /**
     * The Prometheus text exposition (format 0.0.4) of every meter.
     *
     * @throws IllegalStateException when the registry is not a Prometheus one (see {@link #prometheus()})
     */
    public String scrape() {
        if (!(registry instanceof PrometheusMeterRegistry prometheus)) {
            throw new IllegalStateException("meters in a " + registry.getClass().getSimpleName() + " have no exposition");
        }
        return prometheus.scrape();
    }

    /** Stops the binders' background work and removes their meters. */
    @Override
    public void close() {
        for (AutoCloseable closeable : closeables) {
            try {
                closeable.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing " + closeable, e);
            }
        }
        closeables.clear();
    }
}
