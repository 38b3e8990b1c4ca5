package com.fluxrouter.billing.chaos;

import com.fluxrouter.billing.plans.PlanFlow;
import com.fluxrouter.billing.pricing.Money;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.serde.WireFormat;
import com.fluxrouter.billing.topology.Topics;
import com.fluxrouter.billing.traffic.TokenSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * One scenario from start to verdict, as its own application on the suite's broker: fresh request and output
 * topics, the pipeline as a child JVM that first takes in every plan, the workload produced at a steady rate while the scenario's faults run on their own
 * thread, then a wait until the pipeline has consumed and committed all input, every account-month has closed
 * and every committed output has been read, and the {@link Verdict}.
 */
final class ChaosRun implements AutoCloseable {
    /** Waits end when nothing has moved for this long: bounded, yet indifferent to how loaded the machine is. */
    static final Duration STALL = Duration.ofSeconds(120);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

    final Scenario scenario;
    final Size size;
    final Workload workload;
    final Path dir;
    private final String applicationId;
    private final Serdes serdes = new Serdes(WireFormat.SINGLE_OBJECT);
    private final PrintStream log;
    private final Cluster cluster;
    private final Admin admin;
    private final Traffic traffic;
    private final Outputs outputs;
    private final List<Instance> instances = new ArrayList<>();
    private final long started = System.nanoTime();
    /** True until the first phase's traffic has been sent (faults wait on points of it). */
    private volatile boolean producing = true;
    private volatile boolean closed;
    private Thread faultThread;
    private int starts;

    private ChaosRun(Scenario scenario, Size size, Workload workload, Cluster cluster, Path dir, PrintStream log)
            throws Exception {
        this.scenario = scenario;
        this.size = size;
        this.workload = workload;
        this.cluster = cluster;
        this.dir = dir;
        this.log = log;
        this.applicationId = "flux-billing-chaos-" + scenario.cliName();
        this.admin = cluster.admin();
        cluster.freshTraffic(size.partitions());
        this.traffic = new Traffic(cluster.bootstrapServers(), workload.validRequests(),
                scenario == Scenario.MISROUTED_PRODUCER);
        this.outputs = new Outputs(cluster.bootstrapServers(), serdes);
    }

    static Row run(Scenario scenario, Size size, long seed, TokenSource tokens, Cluster cluster, Path dir,
                   PrintStream log) throws Exception {
        long started = System.nanoTime();
        Serdes serdes = new Serdes(WireFormat.SINGLE_OBJECT);
        Workload workload = Workload.generate(scenario, size, seed, tokens, Instant.now(), serdes);
        Files.createDirectories(dir);
        try (ChaosRun run = new ChaosRun(scenario, size, workload, cluster, dir, log)) {
            run.log("fresh topics");
            // Its start fills the application's empty validated copies of the catalog and plans from their topics
            // (ValidCopySeed), so it loads its global stores complete before it prices anything.
            Instance first = run.startInstance("a");
            run.awaitPlans();
            run.log("plans taken in");
            Faults faults = new Faults(run);
            run.faultThread = faults.start(first);
            run.produce(workload.sends, run.faultThread);
            run.awaitSettled(Set.of());
            run.log("all input consumed");
            run.startClosing();
            List<String> problems = new ArrayList<>(faults.problems());
            if (!workload.stragglers.isEmpty()) {
                run.awaitSettled(workload.firstPhaseMonths);
                Set<String> open = new HashSet<>(workload.firstPhaseMonths);
                open.removeAll(run.outputs.closedMonths);
                if (open.isEmpty()) {
                    run.log("every month closed; sending %,d requests held back", workload.stragglers.size());
                    run.produce(workload.stragglers, null);
                } else {
                    problems.add(open.size() + " account-months of the first phase never closed, so the "
                            + workload.stragglers.size() + " requests held back for after closing were not sent");
                }
            }
            run.awaitSettled(workload.expected.keySet());
            run.log("every output read");
            faults.rethrow();
            Verdict verdict = Verdict.of(workload, run.outputs, serdes);
            verdict.problems.addAll(problems);
            if (scenario == Scenario.LATE_DATA && verdict.supplementalSets == 0) {
                verdict.problems.add("no supplemental invoice set: no request arrived after its month closed");
            }
            if (scenario == Scenario.MISROUTED_PRODUCER && run.traffic.misrouted() == 0) {
                verdict.problems.add("no request reached a partition other than its account's: nothing was misrouted");
            }
            if (run.traffic.failed() > 0) {
                verdict.problems.add(run.traffic.failed() + " records could not be produced: " + run.traffic.firstFailure());
            }
            long seconds = (System.nanoTime() - started) / 1_000_000_000L;
            return run.row(verdict, faults.describe(run), seconds);
        }
    }

    /**
     * Waits until the first instance holds every account's plan (its plan-history changelog has them all): requests
     * metered before their account's plan would bill on pay-as-you-go terms (billing rules, section 6).
     */
    private void awaitPlans() throws InterruptedException {
        String changelog = applicationId + "-" + PlanFlow.STORE + "-changelog";
        Set<String> accounts = new HashSet<>();
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            while (accounts.size() < workload.plans.size()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the pipeline took in " + accounts.size() + " of "
                            + workload.plans.size() + " plans within " + READY_TIMEOUT);
                }
                if (consumer.assignment().isEmpty()) {
                    List<TopicPartition> partitions = consumer.listTopics(Duration.ofSeconds(10)).getOrDefault(changelog, List.of())
                            .stream().map(info -> new TopicPartition(changelog, info.partition())).toList();
                    if (partitions.isEmpty()) {
                        Thread.sleep(200); // not created yet by the starting instance
                        continue;
                    }
                    consumer.assign(partitions);
                    consumer.seekToBeginning(partitions);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(record -> accounts.add(new String(record.key(), StandardCharsets.UTF_8)));
            }
        }
    }

    Instance startInstance(String name) throws Exception {
        return startInstance(name, Map.of());
    }

    private Instance startInstance(String name, Map<String, String> extra) throws Exception {
        if (closed) {
            throw new IllegalStateException("run closed: instance " + name + " not started");
        }
        Map<String, String> settings = new HashMap<>(extra);
        settings.put("KAFKA_APPLICATION_ID", applicationId);
        // Unique per start, so that the group's members tell this start from an earlier, killed one.
        settings.put("KAFKA_CLIENT_ID", applicationId + "-" + name + "-" + (++starts));
        if (scenario == Scenario.REBALANCE) {
            // Every task may move at once to a newcomer, which restores it from the changelogs: with the default
            // lag (10,000 records) a newcomer gets only warm-up replicas until a probing rebalance 10 min later.
            settings.put("KAFKA_ACCEPTABLE_RECOVERY_LAG", Long.toString(Long.MAX_VALUE));
        }
        Instance instance = Instance.start(name, settings.get("KAFKA_CLIENT_ID"), cluster.bootstrapServers(),
                dir.resolve("state-" + name), dir.resolve("instance-" + name + ".log"), settings);
        synchronized (instances) {
            instances.add(instance);
        }
        log("instance %s started", name);
        return instance;
    }

    /**
     * Once all traffic is in and processed: every instance stops cleanly and instance a starts again as the closing
     * instance ({@link Instance#CLOSING}), whose quiet partitions close every past month by the wall clock.
     */
    private void startClosing() throws Exception {
        synchronized (instances) {
            for (Instance instance : instances) {
                if (instance.alive()) {
                    instance.stop();
                }
            }
        }
        startInstance("a", Instance.CLOSING);
        log("closing instance started");
    }

    /** Produces while reading outputs on this thread; returns once everything is sent and the faults are done. */
    private void produce(List<Workload.Send> sends, Thread faultThread) throws Exception {
        Throwable[] failure = {null};
        Thread producer = new Thread(() -> {
            try {
                traffic.send(sends, size.rate());
            } catch (Throwable e) {
                failure[0] = e;
            } finally {
                producing = false; // faults waiting on a point of the traffic stop waiting
            }
        }, "chaos-traffic");
        producer.start();
        while (producer.isAlive() || (faultThread != null && faultThread.isAlive())) {
            outputs.poll(Duration.ofMillis(200));
        }
        producer.join();
        if (failure[0] != null) {
            throw new IllegalStateException("producing failed", failure[0]);
        }
        log("sent %,d records", traffic.sent());
    }

    /**
     * Waits until all input is consumed and committed, every given account-month has its original invoice set and
     * every committed output has been read; or until nothing has moved for {@link #STALL}.
     */
    private void awaitSettled(Set<String> months) {
        long lastMove = System.nanoTime();
        long lastSignature = -1;
        while (true) {
            outputs.poll(Duration.ofMillis(500));
            long consumed = consumedInput();
            long signature = outputs.records() * 31 + consumed;
            if (signature != lastSignature) {
                lastSignature = signature;
                lastMove = System.nanoTime();
            }
            if (consumed == inputEnd() && outputs.closedMonths.containsAll(months)
                    && (months.isEmpty() || outputs.noSetPending()) && outputs.caughtUp()) {
                return;
            }
            if (System.nanoTime() - lastMove > STALL.toNanos()) {
                log("nothing moved for %s: checking what there is", STALL);
                return;
            }
        }
    }

    /** Records of the request topic the pipeline's group has committed, over all partitions (-1 if unknown). */
    private long consumedInput() {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(
                    Map.of(applicationId, new ListConsumerGroupOffsetsSpec()),
                    new ListConsumerGroupOffsetsOptions().requireStable(true))
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            return committed.entrySet().stream().filter(e -> e.getKey().topic().equals(Topics.ROUTED) && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset()).sum();
        } catch (Exception unavailable) {
            return -1;
        }
    }

    private long inputEnd() {
        try {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < size.partitions(); p++) {
                latest.put(new TopicPartition(Topics.ROUTED, p), OffsetSpec.latest());
            }
            return admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).values().stream()
                    .mapToLong(info -> info.offset()).sum();
        } catch (Exception unavailable) {
            return -2;
        }
    }

    // ---- what the faults use -------------------------------------------------------------------------------

    int sent() {
        return traffic.sent();
    }

    /** Whether the traffic of the first phase is still being sent. */
    boolean producing() {
        return producing;
    }

    long longestResendSeconds() {
        return traffic.longestResendSeconds();
    }

    int records() {
        return workload.sends.size();
    }

    long pricedCount() {
        return outputs.pricedCount();
    }

    /** Waits (bounded) until the condition holds; false if it did not within the time. */
    static boolean await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(100);
        }
        return true;
    }

    /** Whether the pipeline's group has committed every record sent so far (all of it, or up to a hold). */
    boolean caughtUpWithInput() {
        long end = inputEnd();
        return end >= 0 && consumedInput() == end;
    }

    /**
     * Partitions of the request topic assigned to the instance in the pipeline's group once the group is stable,
     * or 0 while it is rebalancing, unknown or the instance is not a member.
     */
    int ownedRequestPartitions(Instance instance) {
        try {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(applicationId)).all()
                    .get(10, TimeUnit.SECONDS).get(applicationId);
            if (group.groupState() != GroupState.STABLE) {
                return 0;
            }
            return (int) group.members().stream().filter(member -> member.clientId().startsWith(instance.clientId() + "-"))
                    .flatMap(member -> member.assignment().topicPartitions().stream())
                    .filter(partition -> partition.topic().equals(Topics.ROUTED)).count();
        } catch (Exception unavailable) {
            return 0;
        }
    }

    /** Requests the misrouted producer sent off their account's partition. */
    int misroutedSent() {
        return traffic.misrouted();
    }

    /** Holds the traffic once {@code records} are sent, until {@link #releaseTraffic()}. */
    void holdTraffic(int records) {
        traffic.holdAt(records);
    }

    void releaseTraffic() {
        traffic.release();
    }

    void restartBroker(Duration down) throws Exception {
        log("broker stopping");
        cluster.restart(down);
        log("broker started again on the same log dir and port");
    }

    void log(String format, Object... args) {
        log.printf(Locale.ROOT, "[chaos %s %3ds] %s%n", scenario.cliName(), (System.nanoTime() - started) / 1_000_000_000L,
                String.format(Locale.ROOT, format, args));
    }

    private Row row(Verdict verdict, String faults, long seconds) {
        long in = traffic.sent();
        String load = String.format(Locale.ROOT, "%,d distinct valid requests, %,d accounts, %d partitions, %,d req/s",
                workload.validRequests(), size.accounts(), size.partitions(), size.rate());
        String totals = String.format(Locale.ROOT, "$%s vs. $%s over %,d account-months, %,d supplemental sets",
                Money.toUsd(verdict.invoicedNanos).toPlainString(), Money.toUsd(verdict.expectedNanos).toPlainString(),
                verdict.accountMonths, verdict.supplementalSets);
        String result = verdict.holds() ? String.format(Locale.ROOT, "holds (%d s)", seconds)
                : "FAILS: " + verdict.problems.stream().collect(Collectors.joining(" | "));
        return new Row(scenario, load, faults, in, verdict.pricedRecords, verdict.rejectedRecords,
                in - verdict.pricedRecords - verdict.rejectedRecords, totals, verdict.holds(), result);
    }

    @Override
    public void close() throws Exception {
        closed = true;
        if (faultThread != null) {
            // First the faults, which could otherwise start an instance after the kills below.
            faultThread.interrupt();
            faultThread.join(STALL.toMillis());
        }
        traffic.release();
        synchronized (instances) {
            for (Instance instance : instances) {
                instance.kill();
            }
        }
        outputs.close();
        traffic.close();
    }
}
