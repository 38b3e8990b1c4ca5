package com.fluxrouter.billing.it;

import com.fluxrouter.billing.catalog.CatalogFlow;
import com.fluxrouter.billing.catalog.PublishedPriceList;
import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.invoicing.InvoiceBuilder;
import com.fluxrouter.billing.local.Pipeline;
import com.fluxrouter.billing.local.Seed;
import com.fluxrouter.billing.metering.FaultInjection;
import com.fluxrouter.billing.plans.PlanFlow;
import com.fluxrouter.billing.pricing.Lane;
import com.fluxrouter.billing.schema.AccountPlan;
import com.fluxrouter.billing.schema.InvoiceLine;
import com.fluxrouter.billing.schema.OverageUpdate;
import com.fluxrouter.billing.schema.PricedRequest;
import com.fluxrouter.billing.schema.RoutedRequest;
import com.fluxrouter.billing.schema.SpendAlert;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.topology.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.ThreadMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 10, atomic billing step, on a real broker under exactly_once_v2: a fault injected once into the write
 * phase of a request, after its state was written and its priced record forwarded, fails the task; the transaction
 * aborts, the stream thread is replaced, the request is processed again and billed exactly once: priced once, one
 * overage update, each alert once, the month's invoice exact, nothing rejected. A sentinel request sent afterwards
 * (which also closes the month) proves, once its own outputs are in, that no duplicate came.
 */
@WithBroker(partitions = 1)
class WritePhaseFaultIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static EmbeddedKafka kafka;

    @TempDir
    static Path tmp;


    @Test
    void aFaultWhileWritingAbortsTheTransactionAndTheRequestIsBilledOnceByTheReplacedThread() throws Exception {
        Serdes serdes = new Serdes(BillingConfig.defaults().wireFormat());
        // The sentinel, completed a second ago, closes the month: one whose end + 24 h it has reached, yet within the
        // 35-day deduplication window. Chosen against now instead, the month did not close when now was in the
        // first second after that (2 days into a month, 00:00:00Z).
        Instant sentinelAt = Instant.now().minusSeconds(1);
        YearMonth recent = YearMonth.from(sentinelAt.minus(Duration.ofDays(3)).atZone(ZoneOffset.UTC));
        YearMonth month = recent.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).plusDays(1).toInstant()
                .isAfter(sentinelAt) ? recent.minusMonths(1) : recent;
        Instant inMonth = month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant().minus(Duration.ofHours(1));
        // $2 of Express at the published $1 per 1M tokens, against $1 of credit
        RoutedRequest faulted = request("req-faulted", 1_500_000, 500_000, inMonth);
        BigDecimal cost = new BigDecimal("1").multiply(BigDecimal.valueOf(2_000_000)).movePointLeft(6);
        RoutedRequest sentinel = request("req-sentinel", 1_000, 0, sentinelAt);

        try (Pipeline pipeline = new Pipeline(config());
             KafkaProducer<byte[], byte[]> producer = kafka.producer();
             FaultInjection fault = FaultInjection.once("FORWARD", 2)) {
            Seed.catalog(producer, serdes);
            Seed.plans(producer, serdes, List.of(new AccountPlan("acme", "Starter", new BigDecimal("1.000000000"),
                    null, null, Instant.parse("2020-01-01T00:00:00Z"))));
            producer.flush();
            pipeline.start();
            pipeline.awaitEntries(CatalogFlow.MODELS_STORE, PublishedPriceList.models().size(), TIMEOUT);
            pipeline.awaitEntries(CatalogFlow.RATES_STORE, PublishedPriceList.rates().size(), TIMEOUT);
            pipeline.awaitEntries(PlanFlow.STORE, 1, TIMEOUT);
            String firstThread = threadNames(pipeline).get(0);

            send(producer, serdes, faulted);
            assertThat(values(kafka.awaitCommitted(Topics.PRICED, 1, TIMEOUT), Topics.PRICED, PricedRequest.class,
                    serdes)).extracting(PricedRequest::getRequestId).containsExactly("req-faulted");
            assertThat(fault.fired()).as("the write phase failed once").isEqualTo(1);
            assertThat(threadNames(pipeline)).as("the failed thread was replaced").hasSize(1)
                    .doesNotContain(firstThread);

            send(producer, serdes, sentinel);
            // Outputs commit with their inputs, in input order: once the sentinel is priced, everything the faulted
            // request caused, its retry included, is committed before it.
            kafka.awaitCommitted(Topics.PRICED, records -> values(records, Topics.PRICED, PricedRequest.class, serdes)
                    .stream().anyMatch(p -> p.getRequestId().equals("req-sentinel")), TIMEOUT);
            List<PricedRequest> priced = read(Topics.PRICED, PricedRequest.class, serdes);
            assertThat(priced).extracting(PricedRequest::getRequestId).containsExactly("req-faulted", "req-sentinel");
            assertThat(priced.get(0).getCostUsd()).isEqualTo(cost.setScale(9));

            // The sentinel moved the clock past the month's end + grace: its invoice is in the sentinel's transaction.
            List<InvoiceLine> invoice = read(Topics.INVOICE_LINES, InvoiceLine.class, serdes);
            assertThat(invoice).allSatisfy(line -> assertThat(line.getBillingMonth()).isEqualTo(month.toString()))
                    .extracting(InvoiceLine::getLineType)
                    .containsExactly(InvoiceBuilder.USAGE, InvoiceBuilder.INCLUDED_CREDIT, InvoiceBuilder.TOTAL);
            assertThat(invoice.get(0).getAmountUsd()).isEqualTo(cost.setScale(9));
            assertThat(invoice.get(0).getRequests()).isEqualTo(1);
            assertThat(invoice.get(2).getAmountDueUsd()).isEqualTo(cost.subtract(BigDecimal.ONE).setScale(9));

            // The sentinel's month stays within its credit: no overage update of its own.
            assertThat(read(Topics.OVERAGE, OverageUpdate.class, serdes)).singleElement()
                    .satisfies(o -> {
                        assertThat(o.getBillingMonth()).isEqualTo(month.toString());
                        assertThat(o.getUsageUsd()).isEqualTo(cost.setScale(9));
                        assertThat(o.getOverageUsd()).isEqualTo(cost.subtract(BigDecimal.ONE).setScale(9));
                        assertThat(o.getOverageDeltaUsd()).isEqualTo(cost.subtract(BigDecimal.ONE).setScale(9));
                    });
            // The sentinel spends $0.001 of its own month's $1 credit: no alert of its own.
            assertThat(read(Topics.ALERTS, SpendAlert.class, serdes))
                    .allSatisfy(a -> assertThat(a.getBillingMonth()).isEqualTo(month.toString()))
                    .extracting(SpendAlert::getAlert).containsExactly("CREDIT_50", "CREDIT_80", "CREDIT_100");
            assertThat(kafka.committed(Topics.REJECTED)).as("nothing rejected").isEmpty();
        }
    }

    private static BillingConfig config() throws Exception {
        return BillingConfig.of(Map.of(
                StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                StreamsConfig.APPLICATION_ID_CONFIG, "flux-billing-it-write-fault",
                StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory(tmp, "state").toString(),
                StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100",
                // The failed thread's member is only dropped from the group when its session times out.
                StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), "6000",
                // Months close by event time only here: the sentinel closes it, not an idle partition.
                BillingConfig.IDLE_CLOSE_AFTER, "PT1H"));
    }

    private static List<String> threadNames(Pipeline pipeline) {
        return pipeline.streams().metadataForLocalThreads().stream().map(ThreadMetadata::threadName).toList();
    }

    private static RoutedRequest request(String requestId, long inputTokens, long outputTokens, Instant completedAt) {
        String model = PublishedPriceList.models().stream().filter(m -> m.getLane().equals(Lane.EXPRESS.name()))
                .findFirst().orElseThrow().getModelId();
        return RoutedRequest.newBuilder().setRequestId(requestId).setAccountId("acme").setRequestedModel("flux-auto")
                .setServedModel(model).setLane(null).setInputTokens(inputTokens).setOutputTokens(outputTokens)
                .setCompletedAt(completedAt).setQuotedCostUsd(null).build();
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, Serdes serdes, RoutedRequest request) {
        producer.send(new ProducerRecord<>(Topics.ROUTED, serdes.string().serializer().serialize(Topics.ROUTED, "acme"),
                serdes.avro(RoutedRequest.class).serializer().serialize(Topics.ROUTED, request)));
        producer.flush();
    }

    /** The committed records of a topic now. */
    private static <T extends SpecificRecord> List<T> read(String topic, Class<T> type, Serdes serdes) {
        return values(kafka.committed(topic), topic, type, serdes);
    }

    private static <T extends SpecificRecord> List<T> values(List<ConsumerRecord<byte[], byte[]>> records, String topic,
                                                            Class<T> type, Serdes serdes) {
        return records.stream().map(record -> serdes.avro(type).deserializer().deserialize(topic, record.value())).toList();
    }
}
