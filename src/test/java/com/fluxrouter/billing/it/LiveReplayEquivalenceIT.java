package com.fluxrouter.billing.it;

import com.fluxrouter.billing.catalog.CatalogFlow;
import com.fluxrouter.billing.cli.FluxBilling;
import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.local.Pipeline;
import com.fluxrouter.billing.plans.PlanFlow;
import com.fluxrouter.billing.replay.AvroJson;
import com.fluxrouter.billing.replay.InputFiles;
import com.fluxrouter.billing.replay.Replay;
import com.fluxrouter.billing.schema.AccountPlan;
import com.fluxrouter.billing.schema.AccountPlanKey;
import com.fluxrouter.billing.schema.InvoiceLine;
import com.fluxrouter.billing.schema.OverageUpdate;
import com.fluxrouter.billing.schema.PricedRequest;
import com.fluxrouter.billing.schema.RejectedRecord;
import com.fluxrouter.billing.schema.RoutedRequest;
import com.fluxrouter.billing.schema.SpendAlert;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.topology.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replay means what live means (issue 11, item 2): a live run on 4 partitions, with month closes and late
 * requests after them, exported with {@code export} and replayed with {@code --partitions 4}, gives the same
 * invoice lines set by set, in the same order within each account-month, and the same priced requests, overage
 * updates, alerts and rejections. The same export replayed on one partition does not: the partitions' clocks
 * differ, which is what the test must be able to see.
 */
@WithBroker(partitions = LiveReplayEquivalenceIT.PARTITIONS)
class LiveReplayEquivalenceIT {
    static final int PARTITIONS = 4;
    private static final Duration TIMEOUT = Duration.ofSeconds(180);
    private static final int ACCOUNTS = 16;

    @TempDir
    Path tmp;

    private static int partitionOf(String account) {
        return Utils.toPositive(Utils.murmur2(account.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
    }

    @Test
    void anExportedLiveRunReplayedOnItsPartitionsGivesTheSameInvoiceSets(EmbeddedKafka kafka) throws Exception {
        Serdes serdes = new Serdes(BillingConfig.defaults().wireFormat());
        Random random = new Random(11);
        List<String> accounts = new ArrayList<>();
        for (int i = 0; i < ACCOUNTS; i++) {
            accounts.add("acct-" + i);
        }
        List<AccountPlan> plans = new ArrayList<>();
        for (int i = 0; i < ACCOUNTS; i += 2) {
            // Credit $1, ceiling $3; every fourth account billed in Los Angeles time.
            plans.add(new AccountPlan(accounts.get(i), "team", new BigDecimal("1"), new BigDecimal("3"),
                    i % 4 == 0 ? "America/Los_Angeles" : null, Instant.parse("2026-01-01T00:00:00Z")));
        }
        List<RoutedRequest> requests = new ArrayList<>();
        int[] next = {0};
        // October, in order.
        for (int day = 1; day <= 30; day += 3) {
            for (String account : accounts) {
                requests.add(request(next, account, Instant.parse("2026-10-01T12:00:00Z").plus(Duration.ofDays(day))
                        .plusSeconds(random.nextInt(3600)), random));
            }
        }
        // November for the accounts of partitions 0 and 1 only: their clocks pass October's end + 24 h (also in
        // Los Angeles), so their Octobers close; partitions 2 and 3 stay in October.
        for (String account : accounts) {
            if (partitionOf(account) <= 1) {
                requests.add(request(next, account, Instant.parse("2026-11-03T10:00:00Z"), random));
            }
        }
        // Late October requests for every account: supplemental sets where October closed, original ones elsewhere.
        for (String account : accounts) {
            requests.add(request(next, account, Instant.parse("2026-10-30T20:00:00Z"), random));
            requests.add(request(next, account, Instant.parse("2026-10-31T23:30:00Z"), random));
        }
        // Partitions 0 and 1 move their clocks the supplemental window (1 h) past those late requests, so their
        // pending sets are emitted by event time, live and in replay alike (rule 11; no idle flush happens in either).
        for (String account : accounts) {
            if (partitionOf(account) <= 1) {
                requests.add(request(next, account, Instant.parse("2026-11-03T11:00:00Z"), random));
            }
        }
        // A retry (dropped as a duplicate) and a bad record (rejected), as live traffic has.
        RoutedRequest retried = requests.get(5);
        RoutedRequest bad = RoutedRequest.newBuilder(requests.get(6)).setRequestId("bad").setInputTokens(-1).build();
        int valid = requests.size();
        assertThat(accounts.stream().map(LiveReplayEquivalenceIT::partitionOf).distinct()).hasSize(PARTITIONS);

        Path export = tmp.resolve("export");
        try (Pipeline pipeline = new Pipeline(liveConfig(kafka)).start();
             KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
            new InputFiles(serdes).send(tmp.resolve("published-price-list"), (topic, key, value) ->
                    producer.send(new ProducerRecord<>(topic, key, value)));
            for (AccountPlan plan : plans) {
                producer.send(new ProducerRecord<>(Topics.PLANS, serdes.avro(AccountPlanKey.class).serializer()
                        .serialize(Topics.PLANS, new AccountPlanKey(plan.getAccountId(), plan.getEffectiveFrom())),
                        serdes.avro(AccountPlan.class).serializer().serialize(Topics.PLANS, plan)));
            }
            producer.flush();
            pipeline.awaitEntries(CatalogFlow.MODELS_STORE, 6, TIMEOUT);
            pipeline.awaitEntries(CatalogFlow.RATES_STORE, 3, TIMEOUT);
            // Plans ahead of traffic (issue 11 item 3 is about history published together with its requests).
            pipeline.awaitEntries(PlanFlow.STORE, plans.size(), TIMEOUT);
            for (RoutedRequest request : requests) {
                send(producer, serdes, request);
            }
            send(producer, serdes, retried);
            send(producer, serdes, bad);
            // Last on every partition, a sentinel that is not a record: rejected MALFORMED, it bills nothing
            // and moves no clock, live or in replay (which reads it from the export like the rest). Once every
            // sentinel's rejection is committed, so is every output of the records before it.
            for (int partition = 0; partition < PARTITIONS; partition++) {
                producer.send(new ProducerRecord<>(Topics.ROUTED, partition,
                        Sentinels.account(partition, PARTITIONS).getBytes(StandardCharsets.UTF_8), sentinel(partition)));
            }
            producer.flush();
            kafka.awaitCommitted(Topics.REJECTED, records -> records.stream()
                    .filter(record -> isSentinel(record, serdes)).count() == PARTITIONS, TIMEOUT);
            assertThat(kafka.committed(Topics.PRICED)).as("every valid request priced, once").hasSize(valid);
            assertThat(kafka.committed(Topics.REJECTED)).as("the bad record and the sentinels")
                    .hasSize(1 + PARTITIONS);
        }
        assertThat(new CommandLine(new FluxBilling()).execute("export", "--bootstrap-servers",
                kafka.bootstrapServers(), "--out", export.toString())).isZero();

        Map<String, List<String>> liveLines = byAccountMonth(kafka, Topics.INVOICE_LINES, InvoiceLine.class, serdes);
        Path replayed = tmp.resolve("replayed");
        new Replay(BillingConfig.defaults(), Instant.now(), PARTITIONS).run(export, replayed, false);
        Map<String, List<String>> replayLines = byAccountMonth(Files.readAllLines(replayed.resolve("invoice-lines.jsonl")));

        assertThat(liveLines.values().stream().flatMap(List::stream))
                .as("months closed live, and late requests made supplemental sets")
                .anyMatch(line -> line.contains("\"supplemental\":false"))
                .anyMatch(line -> line.contains("\"supplemental\":true"));
        assertThat(replayLines).isEqualTo(liveLines);
        assertThat(byAccountMonth(kafka, Topics.OVERAGE, OverageUpdate.class, serdes))
                .isEqualTo(byAccountMonth(Files.readAllLines(replayed.resolve("overage.jsonl"))));
        assertThat(byAccountMonth(kafka, Topics.ALERTS, SpendAlert.class, serdes))
                .isEqualTo(byAccountMonth(Files.readAllLines(replayed.resolve("alerts.jsonl"))));
        assertThat(json(kafka, Topics.PRICED, PricedRequest.class, serdes))
                .containsExactlyInAnyOrderElementsOf(Files.readAllLines(replayed.resolve("priced.jsonl")));
        assertThat(json(kafka, Topics.REJECTED, RejectedRecord.class, serdes))
                .containsExactlyInAnyOrderElementsOf(Files.readAllLines(replayed.resolve("rejected.jsonl")));

        Path onePartition = tmp.resolve("one-partition");
        new Replay(BillingConfig.defaults(), Instant.now(), 1).run(export, onePartition, false);
        assertThat(byAccountMonth(Files.readAllLines(onePartition.resolve("invoice-lines.jsonl"))))
                .as("one clock for all accounts bills other sets").isNotEqualTo(liveLines);
    }

    private static RoutedRequest request(int[] next, String account, Instant completedAt, Random random) {
        return RoutedRequest.newBuilder().setRequestId("r-" + next[0]++).setAccountId(account)
                .setRequestedModel("flux-auto").setServedModel(random.nextBoolean() ? "flux-express-small" : "deepseek-r1")
                .setLane(null).setInputTokens(random.nextInt(60_000)).setOutputTokens(random.nextInt(20_000))
                .setCompletedAt(completedAt).setQuotedCostUsd(null).build();
    }

    /** Bytes that are not a record, telling which partition's sentinel they are. */
    private static byte[] sentinel(int partition) {
        return ("sentinel of partition " + partition).getBytes(StandardCharsets.UTF_8);
    }

    private static boolean isSentinel(ConsumerRecord<byte[], byte[]> rejected, Serdes serdes) {
        ByteBuffer original = serdes.avro(RejectedRecord.class).deserializer().deserialize(Topics.REJECTED,
                rejected.value()).getOriginalValue().duplicate();
        byte[] bytes = new byte[original.remaining()];
        original.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8).startsWith("sentinel of partition ");
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, Serdes serdes, RoutedRequest request) {
        producer.send(new ProducerRecord<>(Topics.ROUTED, request.getAccountId().getBytes(StandardCharsets.UTF_8),
                serdes.avro(RoutedRequest.class).serializer().serialize(Topics.ROUTED, request)));
    }

    private static <T extends SpecificRecord> List<String> json(EmbeddedKafka kafka, String topic, Class<T> type,
                                                               Serdes serdes) {
        AvroJson json = new AvroJson();
        List<String> lines = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : kafka.committed(topic)) {
            lines.add(json.write(serdes.avro(type).deserializer().deserialize(topic, record.value())));
        }
        return lines;
    }

    /** Records of an account-month keyed topic as JSON, grouped by account-month, in topic order within each. */
    private static <T extends SpecificRecord> Map<String, List<String>> byAccountMonth(
            EmbeddedKafka kafka, String topic, Class<T> type, Serdes serdes) {
        return byAccountMonth(json(kafka, topic, type, serdes));
    }

    private static Map<String, List<String>> byAccountMonth(List<String> lines) {
        Map<String, List<String>> grouped = new TreeMap<>();
        for (String line : lines) {
            String account = member(line, "account_id");
            String month = member(line, "billing_month");
            grouped.computeIfAbsent(account + " " + month, key -> new ArrayList<>()).add(line);
        }
        return grouped;
    }

    private static String member(String line, String name) {
        String marker = "\"" + name + "\":\"";
        int at = line.indexOf(marker) + marker.length();
        return line.substring(at, line.indexOf('"', at));
    }

    private BillingConfig liveConfig(EmbeddedKafka kafka) throws Exception {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        settings.put(StreamsConfig.APPLICATION_ID_CONFIG, "flux-billing-it-live-replay");
        settings.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory(tmp, "state").toString());
        settings.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100");
        // Months close by event time only, as in replay without its end-of-input close: no idle partition may let
        // the wall clock close October during the run.
        settings.put(BillingConfig.IDLE_CLOSE_AFTER, "PT6H");
        return BillingConfig.of(settings);
    }
}
