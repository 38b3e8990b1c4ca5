package com.fluxrouter.billing.local;

import com.fluxrouter.billing.catalog.CatalogFlow;
import com.fluxrouter.billing.catalog.PublishedPriceList;
import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.plans.PlanFlow;
import com.fluxrouter.billing.schema.AccountPlan;
import com.fluxrouter.billing.schema.RoutedRequest;
import com.fluxrouter.billing.schema.SpendAlert;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.topology.Topics;
import com.fluxrouter.billing.traffic.RequestFactory;
import com.fluxrouter.billing.traffic.TokenSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code bin/flux-billing demo}: a local broker, the contract's topics, the published catalog and a handful of
 * plans, the pipeline with exactly_once_v2, a generator of routed requests at a steady rate, and a live view.
 * Everything lives under the data directory, so running it again resumes.
 */
public final class Demo implements AutoCloseable {
    /** @param trace a trace CSV to take token counts from, or null for the built-in distributions */
    public record Options(Path dataDir, int port, int httpPort, int ratePerSecond, int accounts, long seed, Path trace,
                          Duration viewEvery, PrintStream out) {
    }

    private static final int PARTITIONS = 3;
    /** Its own application, so its catalog topics are {@code flux-billing-demo.catalog.*.valid}. */
    private static final String APPLICATION_ID = "flux-billing-demo";
    private static final int TICKS_PER_SECOND = 10;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(60);
    /** Requests of a past month a fresh demo opens with ({@link #lastMonth}). */
    static final int LAST_MONTH_REQUESTS = 100;
    /** How long before the month's end (UTC) they completed: in that month in every demo plan's zone too. */
    private static final Duration LAST_MONTH_BEFORE_END = Duration.ofHours(12);
    /**
     * How long after a month's end (UTC) it closes in every demo plan's zone: the grace (rule 10; the demo runs with
     * the default) after its end in New York, which is up to 5 hours after its end in UTC.
     */
    private static final Duration CLOSED_AFTER_END = BillingConfig.defaults().grace().plus(Duration.ofHours(5));

    private final LocalBroker broker;
    private final Service service;
    private final Pipeline pipeline;
    private final KafkaProducer<byte[], byte[]> producer;
    private final LiveView view;
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, runnable -> {
        Thread thread = new Thread(runnable, "flux-demo");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicLong sent = new AtomicLong();
    private ScheduledFuture<?> generator;
    private boolean trafficStopped;
    private final long startedNanos = System.nanoTime();

    private Demo(LocalBroker broker, Service service, KafkaProducer<byte[], byte[]> producer, LiveView view) {
        this.broker = broker;
        this.service = service;
        this.pipeline = service.pipeline();
        this.producer = producer;
        this.view = view;
    }

    public static Demo start(Options options) throws Exception {
        LocalBroker broker = LocalBroker.start(options.dataDir(), options.port());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            TopicSetup.ensure(admin, APPLICATION_ID, PARTITIONS, (short) 1);
        }
        Map<String, String> settings = Map.of(
                StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID,
                StreamsConfig.STATE_DIR_CONFIG, options.dataDir().resolve("state").toString(),
                Service.HTTP_PORT, Integer.toString(options.httpPort()));
        Serdes serdes = Serdes.of(BillingConfig.of(settings));
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5),
                new ByteArraySerializer(), new ByteArraySerializer());
        List<AccountPlan> plans = DemoPlans.forAccounts(options.accounts());
        Seed.catalog(producer, serdes);
        Seed.plans(producer, serdes, plans);
        Service service = Service.start(settings);
        Pipeline pipeline = service.pipeline();
        pipeline.awaitEntries(CatalogFlow.MODELS_STORE, PublishedPriceList.models().size(), READY_TIMEOUT);
        pipeline.awaitEntries(CatalogFlow.RATES_STORE, PublishedPriceList.rates().size(), READY_TIMEOUT);
        pipeline.awaitEntries(PlanFlow.PUBLICATIONS_STORE, plans.size(), READY_TIMEOUT);
        LiveView view = new LiveView(broker.bootstrapServers(), serdes, plans, options.out());
        Demo demo = new Demo(broker, service, producer, view);
        options.out().printf("Kafka broker on %s, data in %s; the pipeline runs with exactly_once_v2.%n",
                broker.bootstrapServers(), options.dataDir().toAbsolutePath());
        options.out().printf("HTTP API on %s, e.g. curl %s/accounts/acct-000/usage%n", service.apiAddress(),
                service.apiAddress());
        boolean resumed = view.backlog() > 0;
        if (resumed) {
            demo.catchUp(options);
        }
        demo.generate(options, serdes, resumed);
        demo.show(options);
        return demo;
    }

    /**
     * After a resume, reads what earlier runs wrote before the first frame: a view that read the output topics
     * while drawing showed half-read figures for minutes (priced counts in steps, usage without its overage).
     */
    private void catchUp(Options options) {
        options.out().printf("Resuming: catching up on %,d records the earlier runs wrote...%n", view.backlog());
        if (!view.catchUp(CATCH_UP_TIMEOUT)) {
            options.out().printf("Still catching up after %ds (%,d records to go): the figures below grow until it has.%n",
                    CATCH_UP_TIMEOUT.toSeconds(), view.backlog());
        }
    }

    /**
     * The first run's opening traffic: requests completed in the last hours of the latest month whose end and grace
     * have passed in every demo plan's zone, so that month closes as soon as this run's traffic moves each
     * partition's billing clock, and flux.invoice.lines has data in the first minutes. That is the previous month,
     * except in the first 29 hours of a month, when the previous month is still open in New York or everywhere (a
     * demo started then opened with it and showed no invoice line for a day): then the month before. Within the
     * deduplication window (rule 3) on any day of the month; a resume sends none (the month is closed and they would
     * only add supplemental sets).
     */
    static Instant lastMonth(Instant now) {
        return now.minus(CLOSED_AFTER_END).atZone(ZoneOffset.UTC).toLocalDate().withDayOfMonth(1)
                .atStartOfDay(ZoneOffset.UTC).toInstant().minus(LAST_MONTH_BEFORE_END);
    }

    private void generate(Options options, Serdes serdes, boolean resumed) throws Exception {
        long seed = options.seed();
        TokenSource tokens = options.trace() == null ? TokenSource.builtIn(new Random(seed)) : TokenSource.trace(options.trace());
        RequestFactory requests = new RequestFactory(seed, tokens, options.accounts(), "demo-" + System.currentTimeMillis());
        if (!resumed) {
            Instant completedAt = lastMonth(Instant.now());
            for (int i = 0; i < LAST_MONTH_REQUESTS; i++) {
                send(serdes, requests.next(completedAt));
            }
        }
        double perTick = (double) options.ratePerSecond() / TICKS_PER_SECOND;
        double[] due = {0};
        generator = scheduler.scheduleAtFixedRate(() -> {
            synchronized (sent) {
                if (trafficStopped) {
                    return;
                }
                due[0] += perTick;
                for (; due[0] >= 1; due[0]--) {
                    send(serdes, requests.next(Instant.now()));
                }
            }
        }, 0, 1000 / TICKS_PER_SECOND, TimeUnit.MILLISECONDS);
    }

    private void send(Serdes serdes, RoutedRequest request) {
        producer.send(new ProducerRecord<>(Topics.ROUTED,
                serdes.string().serializer().serialize(Topics.ROUTED, request.getAccountId()),
                serdes.avro(RoutedRequest.class).serializer().serialize(Topics.ROUTED, request)));
        sent.incrementAndGet();
    }

    private void show(Options options) {
        scheduler.scheduleWithFixedDelay(() -> {
            long seconds = Math.max(1, (System.nanoTime() - startedNanos) / 1_000_000_000L);
            view.refresh(String.format("[demo %3ds] sent %,d (%,d/s) | pipeline %s", seconds, sent.get(),
                    sent.get() / seconds, pipeline.streams().state()));
        }, options.viewEvery().toMillis(), options.viewEvery().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Requests produced by this run. */
    public long sent() {
        return sent.get();
    }

    /** Stops producing requests (the pipeline and the view go on) and waits until every request is sent. */
    public void stopTraffic() {
        // A tick holds the lock while it sends: once we have it, no tick is sending and none will again.
        synchronized (sent) {
            trafficStopped = true;
            generator.cancel(false);
        }
        producer.flush();
    }

    /** Priced requests on the output topic so far, all runs together, as of the view's last refresh. */
    public long priced() {
        return view.priced();
    }

    public long rejected() {
        return view.rejected();
    }

    public long alerts() {
        return view.alertsSeen();
    }

    public String apiAddress() {
        return service.apiAddress();
    }

    /** Invoice lines on flux.invoice.lines so far, all runs together, as of the view's last refresh. */
    public long invoiceLines() {
        return view.invoiceLines();
    }

    /** The alerts the view shows, oldest first. */
    public List<SpendAlert> alertsShown() {
        return view.alertsShown();
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    public long accountsInOverage() {
        return view.overageAccounts();
    }

    /** Stops the traffic, then the pipeline (committing what it processed), then the broker. */
    @Override
    public void close() throws InterruptedException {
        scheduler.shutdown();
        scheduler.awaitTermination(10, TimeUnit.SECONDS);
        producer.close(Duration.ofSeconds(10));
        service.close();
        view.close();
        broker.close();
    }
}
