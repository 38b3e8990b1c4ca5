package com.fluxrouter.billing.local;

import com.fluxrouter.billing.schema.AccountPlan;
import com.fluxrouter.billing.schema.InvoiceLine;
import com.fluxrouter.billing.schema.OverageUpdate;
import com.fluxrouter.billing.schema.PricedRequest;
import com.fluxrouter.billing.schema.SpendAlert;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.topology.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What the demo shows: counts of priced and rejected requests and of invoice lines, the accounts with the most
 * month-to-date spend against their credit and ceiling (with the part over the ceiling that is waived, rule 7), and
 * the latest alerts in the order they happened, read back from the output topics as a downstream consumer would
 * (read_committed). After a resume it first catches up with what earlier runs wrote ({@link #catchUp}), so its
 * first frame does not show half-read figures.
 */
final class LiveView implements AutoCloseable {
    private static final List<String> TOPICS = List.of(Topics.PRICED, Topics.REJECTED, Topics.OVERAGE, Topics.ALERTS,
            Topics.INVOICE_LINES);
    private static final int ALERTS_SHOWN = 5;
    /** Latest alerts first by when they happened (completed_at), not by which partition was read first. */
    private static final Comparator<SpendAlert> BY_TIME = Comparator.comparing(SpendAlert::getAt)
            .thenComparing(SpendAlert::getThresholdUsd).thenComparing(SpendAlert::getAccountId)
            .thenComparing(SpendAlert::getAlert);
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Serdes serdes;
    private final PrintStream out;
    /** Month-to-date usage per "account month", summed from the priced requests. */
    private final Map<String, BigDecimal> usage = new HashMap<>();
    private final Map<String, OverageUpdate> latestOverage = new HashMap<>();
    private final Map<String, AccountPlan> plans = new HashMap<>();
    private final TreeSet<SpendAlert> alerts = new TreeSet<>(BY_TIME);
    /** Committed end of each output partition when the view started: what earlier runs wrote. */
    private final Map<TopicPartition, Long> backlogEnd;
    private long alertsSeen;
    private long priced;
    private long rejected;
    private long invoiceLines;

    LiveView(String bootstrapServers, Serdes serdes, List<AccountPlan> plans, PrintStream out) {
        this.serdes = serdes;
        plans.forEach(plan -> this.plans.put(plan.getAccountId(), plan));
        this.out = out;
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        TOPICS.forEach(topic -> consumer.partitionsFor(topic)
                .forEach(info -> partitions.add(new TopicPartition(topic, info.partition()))));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        this.backlogEnd = consumer.endOffsets(partitions);
    }

    /** Records earlier runs left on the output topics, which the view reads before its first frame. */
    synchronized long backlog() {
        return backlogEnd.entrySet().stream().mapToLong(end -> end.getValue() - consumer.position(end.getKey())).sum();
    }

    /**
     * Reads the output topics up to where they ended when the view started, so the first frame after a resume shows
     * the figures of every earlier run together (priced and usage, overage and rejections from the same point).
     *
     * @return true when caught up, false when {@code timeout} passed first (the view then goes on reading)
     */
    synchronized boolean catchUp(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (backlog() > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            consumer.poll(Duration.ofMillis(200)).forEach(this::apply);
        }
        return true;
    }

    synchronized long priced() {
        return priced;
    }

    synchronized long rejected() {
        return rejected;
    }

    synchronized long alertsSeen() {
        return alertsSeen;
    }

    synchronized long invoiceLines() {
        return invoiceLines;
    }

    /** The alerts shown, oldest first: the latest {@value #ALERTS_SHOWN} by completed_at. */
    synchronized List<SpendAlert> alertsShown() {
        return List.copyOf(alerts);
    }

    synchronized long overageAccounts() {
        return latestOverage.values().stream().filter(u -> u.getOverageUsd().signum() > 0).count();
    }

    /** Reads what arrived since the last call and prints the view. */
    synchronized void refresh(String header) {
        consumer.poll(Duration.ofMillis(200)).forEach(this::apply);
        print(header);
    }

    private void apply(ConsumerRecord<byte[], byte[]> record) {
        switch (record.topic()) {
            case Topics.PRICED -> {
                priced++;
                PricedRequest request = serdes.avro(PricedRequest.class).deserializer().deserialize(record.topic(), record.value());
                usage.merge(request.getAccountId() + " " + request.getBillingMonth(), request.getCostUsd(), BigDecimal::add);
            }
            case Topics.REJECTED -> rejected++;
            case Topics.OVERAGE -> {
                OverageUpdate update = serdes.avro(OverageUpdate.class).deserializer().deserialize(record.topic(), record.value());
                latestOverage.put(update.getAccountId() + " " + update.getBillingMonth(), update);
            }
            case Topics.ALERTS -> {
                alertsSeen++;
                alerts.add(serdes.avro(SpendAlert.class).deserializer().deserialize(record.topic(), record.value()));
                while (alerts.size() > ALERTS_SHOWN) {
                    alerts.pollFirst();
                }
            }
            case Topics.INVOICE_LINES -> {
                serdes.avro(InvoiceLine.class).deserializer().deserialize(record.topic(), record.value());
                invoiceLines++;
            }
            default -> { }
        }
    }

    private void print(String header) {
        out.printf("%s | priced %,d | rejected %,d | invoice lines %,d%n", header, priced, rejected, invoiceLines);
        usage.entrySet().stream()
                .sorted(Map.Entry.<String, BigDecimal>comparingByValue().reversed())
                .limit(5)
                .forEach(entry -> {
                    AccountPlan plan = plans.get(entry.getKey().split(" ")[0]);
                    OverageUpdate overage = latestOverage.get(entry.getKey());
                    BigDecimal ceiling = plan == null ? null : plan.getSpendCeilingUsd();
                    out.printf("    %-17s %-13s usage %10s  credit %8s  ceiling %9s  overage due %10s%s%n", entry.getKey(),
                            plan == null ? "pay as you go" : plan.getPlanName(), money(entry.getValue()),
                            plan == null ? "none" : money(plan.getIncludedCreditUsd()),
                            ceiling == null ? "none" : money(ceiling),
                            overage == null ? money(BigDecimal.ZERO) : money(overage.getOverageUsd()),
                            waived(entry.getValue(), ceiling));
                });
        alerts.forEach(a -> out.printf("    alert %-11s %s %s at usage %s%n", a.getAlert(), a.getAccountId(),
                a.getBillingMonth(), money(a.getUsageUsd())));
        out.flush();
    }

    /** Rule 7: usage past the ceiling is recorded but waived (the invoice's CEILING_ADJUSTMENT line). */
    static String waived(BigDecimal usage, BigDecimal ceiling) {
        if (ceiling == null || usage.compareTo(ceiling) <= 0) {
            return "";
        }
        return "  waived " + money(usage.subtract(ceiling)) + " over the ceiling";
    }

    private static String money(BigDecimal usd) {
        return "$" + usd.setScale(4, RoundingMode.HALF_UP).toPlainString();
    }

    @Override
    public void close() {
        consumer.close();
    }
}
