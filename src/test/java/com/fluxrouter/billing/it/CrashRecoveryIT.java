package com.fluxrouter.billing.it;

import com.fluxrouter.billing.catalog.PublishedPriceList;
import com.fluxrouter.billing.cli.FluxBilling;
import com.fluxrouter.billing.invoicing.InvoiceBuilder;
import com.fluxrouter.billing.local.Seed;
import com.fluxrouter.billing.schema.InvoiceLine;
import com.fluxrouter.billing.schema.PricedRequest;
import com.fluxrouter.billing.schema.RoutedRequest;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.serde.WireFormat;
import com.fluxrouter.billing.topology.Topics;
import com.fluxrouter.billing.traffic.RequestFactory;
import com.fluxrouter.billing.traffic.TokenSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pipeline runs as its own process ({@code flux-billing run}) and is killed with SIGKILL mid-stream, then
 * started again, while the router resends some requests. Afterwards every distinct request is priced exactly once
 * and the closed month's invoices hold exactly their cost, once per account.
 */
@WithBroker(partitions = CrashRecoveryIT.PARTITIONS, applicationId = CrashRecoveryIT.APPLICATION_ID)
class CrashRecoveryIT {
    /** Its catalog topics are named after it: {@code flux-billing-it-crash.catalog.*.valid}. */
    static final String APPLICATION_ID = "flux-billing-it-crash";
    static final int PARTITIONS = 2;
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final int REQUESTS = 2_000;
    private static EmbeddedKafka kafka;

    @TempDir
    static Path tmp;

    /** Every child JVM started, so a failed assertion cannot leave one running. */
    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void killChildren() throws InterruptedException {
        for (Process process : processes) {
            process.destroyForcibly().waitFor();
        }
    }

    @Test
    void killedAndRestartedPipelineLosesNothingAndCountsNothingTwice() throws Exception {
        Serdes serdes = new Serdes(WireFormat.SINGLE_OBJECT);
        Instant now = Instant.now();
        // A month that closes (end + 24 h) before now, yet lies within the 35-day deduplication window.
        YearMonth month = YearMonth.from(now.minus(Duration.ofDays(2)).atZone(ZoneOffset.UTC));
        if (!month.atEndOfMonth().plusDays(2).atStartOfDay(ZoneOffset.UTC).toInstant().isBefore(now)) {
            month = month.minusMonths(1);
        }
        Instant monthEnd = month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant firstAt = max(month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant(), now.minus(Duration.ofDays(33)));

        RequestFactory factory = new RequestFactory(11, TokenSource.builtIn(new Random(11)), 30, "crash");
        List<RoutedRequest> requests = new ArrayList<>();
        long span = monthEnd.toEpochMilli() - firstAt.toEpochMilli() - 1;
        for (int i = 0; i < REQUESTS; i++) {
            requests.add(factory.next(firstAt.plusMillis(span * i / REQUESTS)));
        }
        Map<String, BigDecimal> expectedUsage = new HashMap<>();
        requests.forEach(request -> expectedUsage.merge(request.getAccountId(), cost(request), BigDecimal::add));

        try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
            Seed.catalog(producer, serdes);
            // The first instance validates the catalog into the pipeline's own topics and is killed while idle;
            // every later start restores its global catalog stores from those topics before pricing anything.
            Process first = startPipeline("catalog");
            awaitCommitted(Topics.modelsValid(APPLICATION_ID), PublishedPriceList.models().size());
            awaitCommitted(Topics.ratesValid(APPLICATION_ID), PublishedPriceList.rates().size());
            first.destroyForcibly().waitFor();
            first = startPipeline("first");
            Random random = new Random(5);
            List<RoutedRequest> sent = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                send(producer, serdes, requests.get(i));
                sent.add(requests.get(i));
                if (random.nextInt(10) == 0) {
                    send(producer, serdes, sent.get(random.nextInt(sent.size()))); // a router retry
                }
                if (i == REQUESTS / 3) {
                    producer.flush();
                    awaitCommitted(Topics.PRICED, 100);
                    first.destroyForcibly().waitFor(); // SIGKILL: no commit, no leaving the group
                    first = startPipeline("second");
                }
            }
            // A request of now per account moves every partition's billing clock past the month's end + grace.
            for (String account : expectedUsage.keySet()) {
                RoutedRequest closing = factory.next(now);
                send(producer, serdes, RoutedRequest.newBuilder(closing).setAccountId(account).build());
            }
            // Last on every partition, a sentinel request: once all are priced, the outputs of everything sent before
            // are committed (outputs commit with their inputs, in each partition's order), retries and crash included.
            List<String> sentinels = new ArrayList<>();
            for (int partition = 0; partition < PARTITIONS; partition++) {
                RoutedRequest sentinel = RoutedRequest.newBuilder(factory.next(now)).setAccountId(Sentinels.account(partition, PARTITIONS))
                        .setRequestId("sentinel-" + partition).build();
                sentinels.add(sentinel.getRequestId());
                send(producer, serdes, sentinel);
            }
            producer.flush();
            try {
                kafka.awaitCommitted(Topics.PRICED, records -> priced(serdes, records).stream()
                        .map(PricedRequest::getRequestId).toList().containsAll(sentinels), TIMEOUT);
                List<InvoiceLine> totals = invoiceLines(serdes, month.toString(), InvoiceBuilder.TOTAL);
                assertThat(totals).extracting(InvoiceLine::getAccountId)
                        .as("one original invoice per account").containsExactlyInAnyOrderElementsOf(expectedUsage.keySet());

                int expectedPriced = REQUESTS + expectedUsage.size() + PARTITIONS;
                List<PricedRequest> priced = priced(serdes, kafka.committed(Topics.PRICED));
                Set<String> ids = new HashSet<>();
                priced.forEach(request -> assertThat(ids.add(request.getRequestId())).as(request.getRequestId()).isTrue());
                assertThat(priced).hasSize(expectedPriced);
                assertThat(kafka.committed(Topics.REJECTED)).isEmpty();

                Map<String, BigDecimal> invoicedUsage = new HashMap<>();
                invoiceLines(serdes, month.toString(), InvoiceBuilder.USAGE)
                        .forEach(line -> invoicedUsage.merge(line.getAccountId(), line.getAmountUsd(), BigDecimal::add));
                assertThat(invoicedUsage).hasSameSizeAs(expectedUsage);
                expectedUsage.forEach((account, usage) ->
                        assertThat(invoicedUsage.get(account)).as(account).isEqualByComparingTo(usage));
            } finally {
                first.destroyForcibly().waitFor();
            }
        }
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static BigDecimal cost(RoutedRequest request) {
        return PublishedPrices.cost(request.getServedModel(), request.getInputTokens(), request.getOutputTokens());
    }

    private Process startPipeline(String name) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                FluxBilling.class.getName(), "run", "--bootstrap-servers", kafka.bootstrapServers());
        builder.environment().put("KAFKA_APPLICATION_ID", APPLICATION_ID);
        builder.environment().put("KAFKA_STATE_DIR", tmp.resolve("state").toString());
        builder.environment().put("KAFKA_COMMIT_INTERVAL_MS", "100");
        // The killed instance never leaves the group: let the broker notice within seconds.
        builder.environment().put("KAFKA_SESSION_TIMEOUT_MS", "6000");
        builder.environment().put("FLUX_HTTP_PORT", "0");
        File log = tmp.resolve(name + ".log").toFile();
        builder.redirectErrorStream(true).redirectOutput(log);
        Process process = builder.start();
        processes.add(process);
        return process;
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, Serdes serdes, RoutedRequest request) {
        producer.send(new ProducerRecord<>(Topics.ROUTED, serdes.string().serializer().serialize(Topics.ROUTED, request.getAccountId()),
                serdes.avro(RoutedRequest.class).serializer().serialize(Topics.ROUTED, request)));
    }

    private static void awaitCommitted(String topic, int records) {
        kafka.awaitCommitted(topic, records, TIMEOUT);
    }

    private static List<PricedRequest> priced(Serdes serdes, List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(record -> serdes.avro(PricedRequest.class).deserializer()
                .deserialize(Topics.PRICED, record.value())).toList();
    }

    private static List<InvoiceLine> invoiceLines(Serdes serdes, String month, String type) {
        List<InvoiceLine> lines = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : kafka.committed(Topics.INVOICE_LINES)) {
            InvoiceLine line = serdes.avro(InvoiceLine.class).deserializer().deserialize(Topics.INVOICE_LINES, record.value());
            if (line.getBillingMonth().equals(month) && line.getLineType().equals(type)) {
                lines.add(line);
            }
        }
        return lines;
    }
}
