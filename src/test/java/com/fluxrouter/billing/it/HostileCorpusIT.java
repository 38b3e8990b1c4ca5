package com.fluxrouter.billing.it;

import com.fluxrouter.billing.catalog.CatalogFlow;
import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.hostile.HostileCorpus;
import com.fluxrouter.billing.local.Pipeline;
import com.fluxrouter.billing.plans.PlanFlow;
import com.fluxrouter.billing.schema.InvoiceLine;
import com.fluxrouter.billing.schema.OverageUpdate;
import com.fluxrouter.billing.schema.PricedRequest;
import com.fluxrouter.billing.schema.RejectedRecord;
import com.fluxrouter.billing.schema.RoutedRequest;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.topology.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.ThreadMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hostile-input corpus through the live pipeline on a real KRaft broker with exactly_once_v2, read back with
 * read_committed: every bad record on flux.requests.rejected with its reason, original key and value bytes, topic,
 * partition and offset; nothing of it priced; every valid record around it priced; no month closed early; and the
 * pipeline still RUNNING on its first stream thread (a failed thread would have been replaced). A record above the
 * producer's max.request.size never leaves the producer.
 */
@WithBroker(partitions = 1)
class HostileCorpusIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    /**
     * Sent after the corpus, a valid request of an account of its own, completed inside the corpus's October
     * traffic (before its billing clock, so it moves no clock and closes nothing): priced, and its overage updated.
     */
    private static final RoutedRequest SENTINEL = RoutedRequest.newBuilder().setRequestId("sentinel")
            .setAccountId("zz-sentinel").setRequestedModel("flux-auto").setServedModel("flux-express-small")
            .setLane(null).setInputTokens(1_000).setOutputTokens(0)
            .setCompletedAt(Instant.parse("2026-10-01T12:00:00Z")).setQuotedCostUsd(null).build();
    /** One partition per topic: one billing clock, and offsets in the order of the sends. */
    private static EmbeddedKafka kafka;

    @TempDir
    static Path tmp;

    @Test
    void livePipelineRejectsEveryHostileRecordWithItsReasonAndKeepsBillingTheValidOnes() throws Exception {
        BillingConfig config = liveConfig();
        Serdes serdes = new Serdes(config.wireFormat());
        HostileCorpus corpus = new HostileCorpus(serdes);
        long rejections = corpus.entries().stream().filter(e -> e.reason() != null).count();
        int expectedPriced = corpus.requests().size() - (int) corpus.entries().stream()
                .filter(e -> e.reason() != null && e.topic().equals(Topics.ROUTED)).count();

        try (Pipeline pipeline = new Pipeline(config).start();
             KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
            send(producer, corpus.catalogAndPlans());
            // Requests priced before the catalog and plans reach their stores would be rejected or billed in UTC.
            pipeline.awaitEntries(CatalogFlow.MODELS_STORE, corpus.validModels(), TIMEOUT);
            pipeline.awaitEntries(CatalogFlow.RATES_STORE, corpus.validRates(), TIMEOUT);
            pipeline.awaitEntries(PlanFlow.PUBLICATIONS_STORE, corpus.accountsWithPlans(), TIMEOUT);
            send(producer, corpus.requests());
            assertProducerRefusesARecordOverItsLimit(producer);
            producer.send(new ProducerRecord<>(Topics.ROUTED, SENTINEL.getAccountId().getBytes(StandardCharsets.UTF_8),
                    serdes.avro(RoutedRequest.class).serializer().serialize(Topics.ROUTED, SENTINEL))).get();

            // Outputs commit with their inputs, in input order: once the sentinel is priced, every output of the
            // corpus is committed, so what the topics hold now is all the corpus caused.
            kafka.awaitCommitted(Topics.PRICED, records -> values(records, PricedRequest.class, serdes).stream()
                    .anyMatch(priced -> priced.getRequestId().equals(SENTINEL.getRequestId())), TIMEOUT);
            List<PricedRequest> priced = withoutSentinel(values(kafka.committed(Topics.PRICED), PricedRequest.class,
                    serdes), PricedRequest::getAccountId);
            List<OverageUpdate> overage = withoutSentinel(values(kafka.committed(Topics.OVERAGE), OverageUpdate.class,
                    serdes), OverageUpdate::getAccountId);
            assertThat(priced).hasSize(expectedPriced);
            List<ConsumerRecord<byte[], byte[]>> rejectedRecords = kafka.committed(Topics.REJECTED);
            assertThat(rejectedRecords).hasSize((int) rejections);
            List<RejectedRecord> rejected = values(rejectedRecords, RejectedRecord.class, serdes);
            for (int i = 0; i < rejected.size(); i++) {
                assertThat(rejectedRecords.get(i).key()).as("rejected record keyed by the original key")
                        .isEqualTo(HostileCorpus.bytes(rejected.get(i).getOriginalKey()));
            }
            corpus.assertHandled(rejected, priced, overage,
                    values(kafka.committed(Topics.INVOICE_LINES), InvoiceLine.class, serdes));

            KafkaStreams streams = pipeline.streams();
            assertThat(streams.state()).isEqualTo(KafkaStreams.State.RUNNING);
            assertThat(streams.metadataForLocalThreads()).extracting(ThreadMetadata::threadName)
                    .as("no stream thread failed and was replaced").singleElement()
                    .satisfies(name -> assertThat(name).endsWith("-StreamThread-1"));
        }
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, List<HostileCorpus.Send> sends) throws Exception {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (HostileCorpus.Send send : sends) {
            sent.add(producer.send(new ProducerRecord<>(send.topic(), null, send.producerTimestamp(), send.key(),
                    send.value())));
        }
        producer.flush();
        for (int i = 0; i < sent.size(); i++) {
            RecordMetadata metadata = sent.get(i).get();
            assertThat(metadata.offset()).as("offset of send %d on %s", i, metadata.topic()).isEqualTo(sends.get(i).offset());
        }
    }

    /** Above max.request.size the producer fails the send itself: the record never reaches broker or pipeline. */
    private static void assertProducerRefusesARecordOverItsLimit(KafkaProducer<byte[], byte[]> producer) {
        Throwable failure = null;
        try {
            producer.send(new ProducerRecord<>(Topics.ROUTED, "acct-a".getBytes(StandardCharsets.UTF_8),
                    new byte[HostileCorpus.UNSENDABLE_VALUE])).get();
        } catch (Exception e) {
            failure = e;
        }
        assertThat(failure).as("a %d-byte value must be refused by the producer", HostileCorpus.UNSENDABLE_VALUE)
                .isNotNull();
        assertThat(failure instanceof RecordTooLargeException || failure.getCause() instanceof RecordTooLargeException)
                .as(String.valueOf(failure)).isTrue();
    }

    /** The records before the sentinel's, which must be there once and last: nothing may follow it. */
    private static <T> List<T> withoutSentinel(List<T> values, Function<T, String> account) {
        assertThat(values).as("the sentinel's output, once and last").isNotEmpty()
                .filteredOn(value -> account.apply(value).equals(SENTINEL.getAccountId()))
                .containsExactly(values.get(values.size() - 1));
        return values.subList(0, values.size() - 1);
    }

    private static <T extends SpecificRecord> List<T> values(List<ConsumerRecord<byte[], byte[]>> records, Class<T> type,
                                                            Serdes serdes) {
        return records.stream().map(r -> serdes.avro(type).deserializer().deserialize(r.topic(), r.value())).toList();
    }

    private static BillingConfig liveConfig() throws Exception {
        return BillingConfig.of(Map.of(
                StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                StreamsConfig.APPLICATION_ID_CONFIG, "flux-billing-it-hostile",
                StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory(tmp, "state").toString(),
                StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100",
                // The corpus is in the past: an idle partition must not let its clock jump to the wall clock
                // while the test runs, however slow the machine.
                BillingConfig.IDLE_CLOSE_AFTER, "P1D"));
    }
}
