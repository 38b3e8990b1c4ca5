package com.fluxrouter.billing.errors;

import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.observability.PipelineMeters;
import com.fluxrouter.billing.schema.RejectedRecord;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.topology.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Errors as data: both Kafka Streams exception handlers in one class. A record that cannot be deserialized, or
 * whose processing throws, becomes a {@link RejectedRecord} (reason, detail, source topic, partition, offset and
 * the original key and value bytes) written to {@code flux.requests.rejected} in the same transaction as the
 * input's offset, and processing resumes. Nothing is dropped silently and the stream never stops on bad input.
 * A schema-registry failure is infrastructure, not bad input: reading or writing, it fails the thread instead.
 *
 * <p>Processing failures follow the compute-then-write rule (docs/billing-rules.md section 4, "Failures"): a
 * failure while a processor computes a record's result (a {@link RejectedException}, or any other exception: a bug)
 * is a rejection, since nothing of the record was written; a failure while the result is written or forwarded
 * ({@link WritePhase}, {@link WriteFailedException}) fails the task, so the transaction aborts and the record is
 * processed again.
 */
public final class RejectionHandler implements DeserializationExceptionHandler, ProcessingExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(RejectionHandler.class);

    private Serializer<RejectedRecord> serializer;
    /** The pipeline instance's rejection counters (attempts: see PipelineMeters). */
    private PipelineMeters meters;

    @Override
    public void configure(Map<String, ?> configs) {
        Map<String, String> flux = new java.util.HashMap<>();
        configs.forEach((key, value) -> {
            if (key.startsWith("flux.") && value != null) {
                flux.put(key, value.toString());
            }
        });
        serializer = Serdes.of(BillingConfig.of(flux)).avro(RejectedRecord.class).serializer();
        meters = PipelineMeters.from(configs);
    }

    @Override
    public DeserializationExceptionHandler.Response handleError(ErrorHandlerContext context,
                                                                ConsumerRecord<byte[], byte[]> record,
                                                                Exception exception) {
        if (Rejections.registryUnavailable(exception)) {
            // The registry's trouble, not the record's: fail the thread, which is replaced and reads it again.
            // One line, no trace: the thread's failure handler logs the trace once per series of failures.
            LOG.warn("Schema registry unavailable at {}-{}@{}; retrying the record: {}", context.topic(),
                    context.partition(), context.offset(), Rejections.describe(exception));
            return DeserializationExceptionHandler.Response.fail();
        }
        if (!Topics.INPUTS.contains(context.topic())) {
            // A topic the pipeline wrote itself (a repartition topic, a validated copy): what is on it passed
            // validation, so bytes it cannot read are our bug or a version it does not know, never bad input.
            // Rejecting would lose a request already accepted; failing keeps it for the fixed code to read.
            LOG.error("Cannot read the pipeline's own record at {}-{}@{}; failing the task: {}", context.topic(),
                    context.partition(), context.offset(), Rejections.describe(exception));
            return DeserializationExceptionHandler.Response.fail();
        }
        RejectedRecord rejected = rejected(Reason.MALFORMED, Rejections.describe(exception), context, record.key(),
                record.value());
        return DeserializationExceptionHandler.Response.resume(List.of(toProducerRecord(record.key(), rejected)));
    }

    @Override
    public ProcessingExceptionHandler.Response handleError(ErrorHandlerContext context, Record<?, ?> record,
                                                           Exception exception) {
        if (Rejections.registryFailure(exception)) {
            // Writing an output needed the registry. Rejecting would commit what the processor already did for this
            // record (its id remembered, its clock advanced, part of its outputs sent) without the rest: the
            // request's usage would be lost and a resent copy dropped as a duplicate. Failing aborts the
            // transaction; the replaced thread processes the record again from the last commit.
            LOG.warn("Schema registry failed while writing output for {}-{}@{}; retrying the record: {}",
                    context.topic(), context.partition(), context.offset(), Rejections.describe(exception));
            return ProcessingExceptionHandler.Response.fail();
        }
        if (WritePhase.active() || Rejections.writeFailure(exception)) {
            // The record's result was computed and partly written or forwarded: rejecting now would commit half of
            // it. Failing aborts the transaction; the replaced thread processes the record again.
            LOG.error("Writing the computed result of {}-{}@{} failed in {}; failing the task so that its transaction"
                    + " aborts and the record is processed again", context.topic(), context.partition(),
                    context.offset(), context.processorNodeId(), exception);
            return ProcessingExceptionHandler.Response.fail();
        }
        if (!(exception instanceof RejectedException)) {
            LOG.error("Unexpected failure in {} at {}-{}@{}; record rejected", context.processorNodeId(),
                    context.topic(), context.partition(), context.offset(), exception);
        }
        // A misrouted request rejected after its trip through the repartition topic names where it was produced; the
        // header is trusted only there, since a producer can set any header on the input.
        Origin origin = Origin.ofDetour(context.topic(), record.headers())
                .orElseGet(() -> new Origin(context.topic(), context.partition(), context.offset()));
        RejectedRecord rejected = Rejections.record(Rejections.reasonOf(exception), Rejections.detailOf(exception),
                origin.topic(), origin.partition(), origin.offset(), context.timestamp(), context.sourceRawKey(),
                context.sourceRawValue());
        return ProcessingExceptionHandler.Response.resume(List.of(toProducerRecord(context.sourceRawKey(), rejected)));
    }

    private ProducerRecord<byte[], byte[]> toProducerRecord(byte[] key, RejectedRecord rejected) {
        meters.rejected(Reason.valueOf(rejected.getReason()));
        if (LOG.isDebugEnabled()) {
            logRejection(key, rejected);
        }
        // The key as kept in the rejection: a cut one if the original was too large to write twice.
        byte[] keptKey = Rejections.bytes(rejected.getOriginalKey());
        return new ProducerRecord<>(Topics.REJECTED, null, keptKey, serializer.serialize(Topics.REJECTED, rejected));
    }

    /** Requests are keyed by account id, so a rejected request's log line carries it in the context. */
    private static void logRejection(byte[] key, RejectedRecord rejected) {
        if (Topics.ROUTED.equals(rejected.getSourceTopic()) && key != null) {
            MDC.put("account_id", new String(key, StandardCharsets.UTF_8));
        }
        try {
            LOG.debug("Rejected {} from {}-{}@{}: {}", rejected.getReason(), rejected.getSourceTopic(),
                    rejected.getSourcePartition(), rejected.getSourceOffset(), rejected.getDetail());
        } finally {
            MDC.remove("account_id");
        }
    }

    private static RejectedRecord rejected(Reason reason, String detail, ErrorHandlerContext context, byte[] key,
                                           byte[] value) {
        return Rejections.record(reason, detail, context.topic(), context.partition(), context.offset(),
                context.timestamp(), key, value);
    }
}
