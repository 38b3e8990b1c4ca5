package com.fluxrouter.billing.local;

import com.fluxrouter.billing.schema.AccountPlan;
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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the demo shows: counts of priced and rejected requests, the accounts with the most month-to-date spend
 * against their credit, and the latest alerts, read back from the output topics as a downstream consumer would
 * (read_committed).
 */
final class LiveView implements AutoCloseable {
    private static final List<String> TOPICS = List.of(Topics.PRICED, Topics.REJECTED, Topics.OVERAGE, Topics.ALERTS);
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Serdes serdes;
    private final PrintStream out;
    /** Month-to-date usage per "account month", summed from the priced requests. */
    private final Map<String, BigDecimal> usage = new HashMap<>();
    private final Map<String, OverageUpdate> latestOverage = new HashMap<>();
    private final Map<String, AccountPlan> plans = new HashMap<>();
    private final Deque<SpendAlert> alerts = new ArrayDeque<>();
    private long priced;
    private long rejected;

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
    }

    synchronized long priced() {
        return priced;
    }

    synchronized long rejected() {
        return rejected;
    }

    synchronized long alertsSeen() {
        return alerts.size();
    }

    synchronized long overageAccounts() {
        return latestOverage.values().stream().filter(u -> u.getOverageUsd().signum() > 0).count();
    }

    /** Reads what arrived since the last call and prints the view. */
    synchronized void refresh(String header) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
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
                    alerts.addFirst(serdes.avro(SpendAlert.class).deserializer().deserialize(record.topic(), record.value()));
                    while (alerts.size() > 5) {
                        alerts.removeLast();
                    }
                }
                default -> { }
            }
        }
        print(header);
    }

    private void print(String header) {
        out.printf("%s | priced %,d | rejected %,d%n", header, priced, rejected);
        usage.entrySet().stream()
                .sorted(Map.Entry.<String, BigDecimal>comparingByValue().reversed())
                .limit(5)
                .forEach(entry -> {
                    AccountPlan plan = plans.get(entry.getKey().split(" ")[0]);
                    OverageUpdate overage = latestOverage.get(entry.getKey());
                    out.printf("    %-17s %-13s usage %10s  credit %8s  ceiling %9s  overage due %10s%n", entry.getKey(),
                            plan == null ? "pay as you go" : plan.getPlanName(), money(entry.getValue()),
                            plan == null ? "none" : money(plan.getIncludedCreditUsd()),
                            plan == null || plan.getSpendCeilingUsd() == null ? "none" : money(plan.getSpendCeilingUsd()),
                            overage == null ? money(BigDecimal.ZERO) : money(overage.getOverageUsd()));
                });
        alerts.forEach(a -> out.printf("    alert %-11s %s %s at usage %s%n", a.getAlert(), a.getAccountId(),
                a.getBillingMonth(), money(a.getUsageUsd())));
        out.flush();
    }

    private static String money(BigDecimal usd) {
        return "$" + usd.setScale(4, RoundingMode.HALF_UP).toPlainString();
    }

    @Override
    public void close() {
        consumer.close();
    }
}
