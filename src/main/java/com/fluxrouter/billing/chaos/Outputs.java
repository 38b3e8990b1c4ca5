package com.fluxrouter.billing.chaos;

import com.fluxrouter.billing.invoicing.InvoiceBuilder;
import com.fluxrouter.billing.pricing.Money;
import com.fluxrouter.billing.schema.InvoiceLine;
import com.fluxrouter.billing.schema.PricedRequest;
import com.fluxrouter.billing.schema.RejectedRecord;
import com.fluxrouter.billing.schema.SpendStatus;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.topology.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the pipeline wrote, read as its downstream consumers must read it ({@code isolation.level=read_committed}):
 * priced requests, rejected records, invoice lines and each account's latest spend status, from the start of each
 * topic, kept in compact form. Polled
 * by one thread; {@link #pricedCount()} may be read from any.
 */
final class Outputs implements AutoCloseable {
    record Priced(String requestId, String accountId, String month, long costNanos) {
    }

    record Rejected(String reason, ByteBuffer originalValue, int partition, long offset) {
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Serdes serdes;
    private final List<TopicPartition> partitions = new ArrayList<>();
    final List<Priced> priced = new ArrayList<>();
    final List<Rejected> rejected = new ArrayList<>();
    final List<InvoiceLine> invoiceLines = new ArrayList<>();
    /** Each account's latest spend status: what a fleet instance materialising the compacted topic holds. */
    final Map<String, SpendStatus> latestStatuses = new HashMap<>();
    /** Account-months whose original invoice set has been read. */
    final Set<String> closedMonths = new HashSet<>();
    /** Requests priced per account-month, and requests on its TOTAL lines over every set read (rule 11). */
    private final Map<String, Long> pricedPerMonth = new HashMap<>();
    private final Map<String, Long> invoicedPerMonth = new HashMap<>();
    private final AtomicLong pricedCount = new AtomicLong();

    Outputs(String bootstrapServers, Serdes serdes) {
        this.serdes = serdes;
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        for (String topic : List.of(Topics.PRICED, Topics.REJECTED, Topics.INVOICE_LINES, Topics.SPEND_STATUS)) {
            consumer.partitionsFor(topic).forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Outputs gathered by hand rather than read from a broker (to try the verdict on made-up outputs). */
    Outputs(Serdes serdes) {
        this.serdes = serdes;
        this.consumer = null;
    }

    /** Reads what has been committed since the last call (waiting at most {@code wait} for the first records). */
    void poll(Duration wait) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(wait)) {
            switch (record.topic()) {
                case Topics.PRICED -> {
                    PricedRequest request = serdes.avro(PricedRequest.class).deserializer().deserialize(Topics.PRICED, record.value());
                    priced.add(new Priced(request.getRequestId(), request.getAccountId(), request.getBillingMonth(),
                            Money.toNanos(request.getCostUsd())));
                    pricedCount.incrementAndGet();
                    pricedPerMonth.merge(Expectation.accountMonth(request.getAccountId(), request.getBillingMonth()), 1L, Long::sum);
                }
                case Topics.REJECTED -> {
                    RejectedRecord rejection = serdes.avro(RejectedRecord.class).deserializer().deserialize(Topics.REJECTED, record.value());
                    rejected.add(new Rejected(rejection.getReason(), rejection.getOriginalValue(),
                            rejection.getSourcePartition(), rejection.getSourceOffset()));
                }
                case Topics.SPEND_STATUS -> {
                    // keyed by account, so one partition holds an account's statuses in the order written
                    SpendStatus status = serdes.avro(SpendStatus.class).deserializer().deserialize(Topics.SPEND_STATUS, record.value());
                    latestStatuses.put(status.getAccountId(), status);
                }
                default -> {
                    InvoiceLine line = serdes.avro(InvoiceLine.class).deserializer().deserialize(Topics.INVOICE_LINES, record.value());
                    invoiceLines.add(line);
                    if (line.getLineType().equals(InvoiceBuilder.TOTAL)) {
                        invoicedPerMonth.merge(Expectation.accountMonth(line.getAccountId(), line.getBillingMonth()),
                                line.getRequests(), Long::sum);
                    }
                    if (line.getInvoiceSet() == 0) {
                        closedMonths.add(Expectation.accountMonth(line.getAccountId(), line.getBillingMonth()));
                    }
                }
            }
        }
    }

    /** Whether everything committed so far has been read: the position is at the last stable offset everywhere. */
    /**
     * Whether every priced request of each closed account-month read so far is on one of its invoice sets: late
     * requests wait in a pending supplemental set (rule 11) until the window passes or the partition idles.
     */
    boolean noSetPending() {
        return closedMonths.stream().allMatch(month ->
                pricedPerMonth.getOrDefault(month, 0L).equals(invoicedPerMonth.getOrDefault(month, 0L)));
    }

    boolean caughtUp() {
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(10));
        return partitions.stream().allMatch(partition -> consumer.position(partition, Duration.ofSeconds(10)) >= ends.get(partition));
    }

    long pricedCount() {
        return pricedCount.get();
    }

    long records() {
        return priced.size() + rejected.size() + invoiceLines.size();
    }

    @Override
    public void close() {
        if (consumer != null) {
            consumer.close();
        }
    }
}
