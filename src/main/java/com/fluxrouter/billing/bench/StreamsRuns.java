package com.fluxrouter.billing.bench;

import com.fluxrouter.billing.catalog.CatalogFlow;
import com.fluxrouter.billing.catalog.PublishedPriceList;
import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.local.DemoPlans;
import com.fluxrouter.billing.local.Pipeline;
import com.fluxrouter.billing.local.Seed;
import com.fluxrouter.billing.local.Service;
import com.fluxrouter.billing.metering.MeteringFlow;
import com.fluxrouter.billing.plans.PlanFlow;
import com.fluxrouter.billing.schema.AccountPlan;
import com.fluxrouter.billing.schema.RoutedRequest;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.topology.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes.ByteArraySerde;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Kafka Streams applications on fresh topics, fed the same encoded requests: a pass-through application and the
 * billing pipeline, both with exactly_once_v2 and one stream thread. Throughput is what the application commits while
 * working off a backlog of the records (see {@link #measure}).
 */
final class StreamsRuns {
    /** Plans as in the demo for this many accounts; every other account bills pay as you go, by the rules' fallback. */
    static final int PLANNED_ACCOUNTS = 1_000;
    private static final Duration READY = Duration.ofSeconds(120);
    private static final Duration STALL = Duration.ofSeconds(120);
    private static final String PASS_THROUGH_OUT = "bench.passthrough.out";
    /**
     * Status requests per second during a latency run: a fleet that materialises the status topic asks the endpoint
     * rarely; 200 a second is many such checks at once, and costs the pipeline little of the two cores.
     */
    static final double STATUS_RATE = 200;

    private final BenchCluster cluster;
    private final Path stateRoot;
    private int runs;
    private final QuietJvm quiet;

    StreamsRuns(BenchCluster cluster, Path stateRoot, Duration quietLimit) {
        this.cluster = cluster;
        this.stateRoot = stateRoot;
        this.quiet = new QuietJvm(quietLimit);
    }

    /**
     * What a pipeline run leaves: its throughput, this JVM's memory before the pipeline was built and at the end of
     * the run (both after a GC), and its RocksDB state per store.
     */
    record PipelineRun(double perSecond, double cpuMicrosPerRecord, Memory before, Memory after,
                       Map<String, Long> storeBytes, Map<String, Long> written) {
        long store(String name) {
            return storeBytes.getOrDefault(name, 0L);
        }

        /** Growth of the heap in use after GC over the run, in bytes; never below 0. */
        long heapBytes() {
            return Math.max(0, after.heapUsed() - before.heapUsed());
        }

        /**
         * Growth of the resident set over the run, in bytes (NaN where /proc is unavailable). It may be negative:
         * the JVM can give committed heap back at a GC.
         */
        double rssBytes() {
            return before.rss() < 0 || after.rss() < 0 ? Double.NaN : after.rss() - before.rss();
        }
    }

    /**
     * This JVM's memory at one instant, right after a GC, in bytes: heap in use and committed (MemoryMXBean), and
     * the process's resident set (VmRSS, -1 where unknown), which holds the committed heap, RocksDB's native memory,
     * the JVM's own and the in-JVM broker's.
     */
    record Memory(long heapUsed, long heapCommitted, long rss) {
        static Memory afterGc() {
            System.gc();
            MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
            return new Memory(heap.getUsed(), heap.getCommitted(), ProcFs.rssBytes());
        }
    }

    /** Source to sink, bytes in, bytes out: the least a Streams application with exactly_once_v2 can do. */
    Throughput passThrough(Workload.Encoded records) throws Exception {
        cluster.freshPipelineTopics();
        cluster.createTopic(PASS_THROUGH_OUT);
        String appId = "bench-passthrough-" + ++runs;
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(Topics.ROUTED, Consumed.with(new ByteArraySerde(), new ByteArraySerde()).withName("bench-source"))
                .to(PASS_THROUGH_OUT, Produced.with(new ByteArraySerde(), new ByteArraySerde()).withName("bench-sink"));
        Properties properties = new Properties();
        properties.putAll(common(appId));
        try (KafkaStreams streams = new KafkaStreams(builder.build(), properties)) {
            streams.start();
            awaitRunning(streams);
            return measure(appId, streams, records);
        }
    }

    /** A dedup-floor run: its throughput, and the records it wrote (output and changelog) per input record. */
    record FloorRun(Throughput throughput, double writtenPerRecord) {
    }

    /**
     * The dedup floor ({@link DedupFloor}) over the same records, measured exactly as the pass-through. What it wrote
     * (its output topic and its store's changelog, end offsets with transaction markers) shows it did what it claims:
     * a little over two records per input.
     */
    FloorRun dedupFloor(Workload.Encoded records) throws Exception {
        cluster.freshPipelineTopics();
        cluster.createTopic(DedupFloor.OUTPUT);
        String appId = "bench-dedupfloor-" + ++runs;
        Properties properties = new Properties();
        properties.putAll(common(appId));
        Serdes serdes = new Serdes(BillingConfig.defaults().wireFormat());
        Throughput throughput;
        try (KafkaStreams streams = new KafkaStreams(DedupFloor.topology(serdes.avro(RoutedRequest.class).deserializer()),
                properties)) {
            streams.start();
            awaitRunning(streams);
            throughput = measure(appId, streams, records);
        }
        long written = cluster.written(name -> name.equals(DedupFloor.OUTPUT) || name.startsWith(appId + "-"))
                .values().stream().mapToLong(Long::longValue).sum();
        return new FloorRun(throughput, (double) written / records.size());
    }

    /**
     * The billing pipeline as {@code run} runs it (RocksDB stores with changelogs), after the catalog and the plans
     * reached its stores. Its memory is this JVM's after GC before the pipeline was built and after the run, stores
     * still open: the growth is the pipeline's stores, caches and buffers plus whatever the broker kept of the run's
     * records.
     */
    PipelineRun pipeline(Workload.Encoded records, Map<String, String> overrides) throws Exception {
        Memory before = Memory.afterGc();
        Started started = startPipeline(overrides);
        Throughput throughput;
        Memory after;
        Map<String, Long> written;
        try {
            throughput = measure(started.appId(), started.pipeline().streams(), records);
            after = Memory.afterGc();
            written = cluster.written();
        } finally {
            started.running().close(); // flushes the stores, so their size on disk is their real size
        }
        return new PipelineRun(throughput.perSecond(), throughput.cpuMicrosPerRecord(), before, after,
                storeSizes(started.stateDir()), written);
    }

    /**
     * What a latency run measured: produce-to-output latencies, the status endpoint's answers meanwhile, the CPU
     * used while the measured load was offered, and how far the wall clock ran ahead of the monotonic clock over the
     * run, in milliseconds ({@link HostPauses}: a pause of the host, which the latencies, taken by the wall clock,
     * include whole).
     */
    record LatencyRun(LatencyProbe.Result outputs, StatusProbe.Result status, CpuUse cpu, long hostPausedMillis) {
        LatencyRun withHostPause(long millis) {
            return new LatencyRun(outputs, status, cpu, millis);
        }

        boolean hostPaused() {
            return HostPauses.isPause(hostPausedMillis);
        }
    }

    /**
     * Produce-to-output latency of the pipeline at a fixed offered load: requests completed "now", sent at
     * {@code rate} per second for {@code duration} once the pipeline is RUNNING (its first rebalance and restore are
     * a start, not the steady state measured); outputs caused during the first {@code warmup} are left out. The
     * pipeline runs with its HTTP API (as {@code run} does), and {@link StatusProbe} asks
     * {@code GET /accounts/{account}/status} at {@link #STATUS_RATE} while the load is offered.
     */
    LatencyRun latency(Workload workload, double rate, Duration duration, Duration warmup,
                       Map<String, String> overrides, long seed) throws Exception {
        Map<String, String> withApi = new HashMap<>(overrides);
        withApi.put(BillingConfig.HTTP_PORT, "0");
        Started started = startPipeline(withApi, true);
        try {
            awaitRunning(started.pipeline().streams());
            try (LatencyProbe probe = new LatencyProbe(cluster.bootstrapServers(), started.serdes());
                 StatusProbe status = new StatusProbe(started.apiAddress(), PLANNED_ACCOUNTS, STATUS_RATE, seed)) {
                probe.start();
                status.start(warmup);
                LatencyProbe.Offered offered = probe.offer(cluster, workload, rate, duration, warmup);
                StatusProbe.Result answers = status.finish();
                awaitCommitted(started.appId(), offered.sent());
                return new LatencyRun(probe.drain(), answers, offered.cpu(), 0);
            }
        } finally {
            started.running().close();
        }
    }

    /**
     * @param running    what to close at the end: the pipeline, or the service (pipeline and API) it runs in
     * @param apiAddress the API's address, or null when the run has no API
     */
    private record Started(String appId, Pipeline pipeline, Serdes serdes, Path stateDir, AutoCloseable running,
                           String apiAddress) {
    }

    private Started startPipeline(Map<String, String> overrides) throws Exception {
        return startPipeline(overrides, false);
    }

    /** @param withApi whether to run the pipeline as a {@link Service}, with its HTTP API on flux.http.port */
    private Started startPipeline(Map<String, String> overrides, boolean withApi) throws Exception {
        cluster.freshPipelineTopics();
        String appId = "bench-pipeline-" + ++runs;
        Map<String, String> settings = new HashMap<>(common(appId));
        settings.putAll(overrides);
        BillingConfig config = BillingConfig.of(settings);
        Serdes serdes = new Serdes(config.wireFormat());
        List<AccountPlan> plans = DemoPlans.forAccounts(PLANNED_ACCOUNTS);
        try (KafkaProducer<byte[], byte[]> producer = Seed.producer(cluster.bootstrapServers())) {
            Seed.catalog(producer, serdes);
            Seed.plans(producer, serdes, plans);
        }
        Service service = withApi ? Service.start(settings) : null;
        Pipeline pipeline = withApi ? service.pipeline() : new Pipeline(config).start();
        AutoCloseable running = withApi ? service : pipeline;
        try {
            pipeline.awaitEntries(CatalogFlow.MODELS_STORE, PublishedPriceList.models().size(), READY);
            pipeline.awaitEntries(CatalogFlow.RATES_STORE, PublishedPriceList.rates().size(), READY);
            pipeline.awaitEntries(PlanFlow.PUBLICATIONS_STORE, plans.size(), READY);
            // And the plan changes reached the meter (each gives its account its first spend status, the meter's
            // state being fresh) before any request is produced: with task idling off the meter takes whichever
            // input it has buffered, so plan changes still on their way would reach it between the requests, at a
            // different place in each run, and change what the requests after them write (a status computed at the
            // change's later publication holds their usage back and schedules a STATUS deadline). Runs compared
            // with each other (a lever's before and after) then differed by more than the lever.
            pipeline.awaitEntries(MeteringFlow.STATUS_STORE, plans.size(), READY);
        } catch (RuntimeException | InterruptedException notReady) {
            running.close();
            throw notReady;
        }
        return new Started(appId, pipeline, serdes, Path.of(settings.get(StreamsConfig.STATE_DIR_CONFIG), appId),
                running, withApi ? service.apiAddress() : null);
    }

    private void awaitCommitted(String appId, long count) throws Exception {
        long deadline = System.nanoTime() + STALL.toNanos();
        while (cluster.committed(appId, Topics.ROUTED) < count) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(appId + " did not commit " + count + " requests within " + STALL);
            }
            Thread.sleep(50);
        }
    }

    private Map<String, String> common(String appId) throws IOException {
        Map<String, String> settings = new HashMap<>();
        settings.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
        settings.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        settings.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        settings.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, "1");
        // A benchmark may measure what run refuses (in-memory stores, no changelogs, another guarantee) on purpose.
        settings.put(BillingConfig.UNSAFE_ALLOW, "true");
        settings.put(StreamsConfig.STATE_DIR_CONFIG, Files.createDirectories(stateRoot.resolve(appId)).toString());
        return settings;
    }

    /**
     * Pauses the running application, produces the records as a backlog, waits for this JVM to be quiet
     * ({@link QuietJvm}: what earlier runs left running is not timed with this one), then resumes it and follows the
     * group's committed offsets until all are committed: the application has the CPU to itself, as the copy loop has, and its
     * start (rebalance, store restore) is not timed. The sustained rate is taken over the records committed after the
     * first tenth, so the ramp (first fetches, caches filling) weighs alike in short and long runs; a run too short to
     * commit in several steps falls back to all its records from the resume.
     */
    private Throughput measure(String appId, KafkaStreams streams, Workload.Encoded records) throws Exception {
        streams.pause();
        try (KafkaProducer<byte[], byte[]> producer = cluster.producer(10)) {
            for (int i = 0; i < records.size(); i++) {
                producer.send(new ProducerRecord<>(Topics.ROUTED, records.keys()[i], records.values()[i]));
            }
        }
        quiet.await();
        long cpuBefore = processCpuNanos();
        long start = System.nanoTime();
        streams.resume();
        long tenth = Math.max(1, records.size() / 10);
        long rampCommitted = -1;
        long rampEnd = 0;
        long last = -1;
        long lastProgress = start;
        while (true) {
            long committed = cluster.committed(appId, Topics.ROUTED);
            long now = System.nanoTime();
            if (committed >= records.size()) {
                double cpuMicros = (processCpuNanos() - cpuBefore) / 1e3 / committed;
                double perSecond = rampCommitted >= 0 && rampCommitted < committed
                        ? Stats.perSecond(committed - rampCommitted, now - rampEnd)
                        : Stats.perSecond(committed, now - start);
                return new Throughput(perSecond, cpuMicros);
            }
            if (rampCommitted < 0 && committed >= tenth) {
                rampCommitted = committed;
                rampEnd = now;
            }
            if (committed != last) {
                last = committed;
                lastProgress = now;
            } else if (now - lastProgress > STALL.toNanos()) {
                throw new IllegalStateException(appId + " stalled at " + committed + " of " + records.size());
            }
            Thread.sleep(20);
        }
    }

    /** The waits for a quiet JVM before each timed run so far ({@link QuietJvm}), in order. */
    List<QuietJvm.Wait> quietWaits() {
        return quiet.waits();
    }

    private static void awaitRunning(KafkaStreams streams) throws InterruptedException {
        long deadline = System.nanoTime() + READY.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline || streams.state() == KafkaStreams.State.ERROR) {
                throw new IllegalStateException("application not running: " + streams.state());
            }
            Thread.sleep(50);
        }
    }

    /**
     * Records per second, and the CPU time this whole JVM (broker, producer and application) spent per record: on a
     * machine shared with other work the rate drops with the CPU it gets, the CPU cost per record much less. The
     * backlog is produced before the clock starts, so the CPU is the broker's and the application's only.
     */
    record Throughput(double perSecond, double cpuMicrosPerRecord) {
    }

    /** CPU time this whole process (broker, clients, applications, the bench itself) has used, per the JVM's OS bean. */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /**
     * Bytes of RocksDB data files per store name, over every task directory ({@code <task>/rocksdb/<store>}): the
     * SST and blob files only, so the write-ahead log, manifest, options and info logs are left out.
     */
    static Map<String, Long> storeSizes(Path appStateDir) throws IOException {
        Map<String, Long> sizes = new TreeMap<>();
        if (!Files.isDirectory(appStateDir)) {
            return sizes;
        }
        try (Stream<Path> files = Files.walk(appStateDir)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                Path relative = appStateDir.relativize(file);
                int rocksdb = indexOf(relative, "rocksdb");
                if (rocksdb >= 0 && rocksdb + 1 < relative.getNameCount() && isDataFile(file)) {
                    sizes.merge(relative.getName(rocksdb + 1).toString(), Files.size(file), Long::sum);
                }
            }
        }
        return sizes;
    }

    private static boolean isDataFile(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".sst") || name.endsWith(".blob");
    }

    private static int indexOf(Path path, String name) {
        for (int i = 0; i < path.getNameCount(); i++) {
            if (path.getName(i).toString().equals(name)) {
                return i;
            }
        }
        return -1;
    }
}
