package com.fluxrouter.billing.errors;

import com.fluxrouter.billing.schema.RejectedRecord;
import com.fluxrouter.billing.serde.RegistryException;
import com.fluxrouter.billing.serde.RegistryUnavailableException;

import java.nio.ByteBuffer;
import java.time.Instant;

/** Builds the rejected record of an input record, the same way for the live handlers and for replay. */
public final class Rejections {
    private static final int MAX_DETAIL = 1_000;

    private Rejections() {
    }

    /** The reason of a processing failure: the rejection's own, or PROCESSING_ERROR for anything unexpected. */
    public static Reason reasonOf(Exception exception) {
        return exception instanceof RejectedException rejected ? rejected.reason() : Reason.PROCESSING_ERROR;
    }

    /** The detail of a processing failure: a rejection's message, or the chain of causes of anything else. */
    public static String detailOf(Exception exception) {
        return exception instanceof RejectedException rejected ? rejected.getMessage() : describe(exception);
    }

    /** Whether a failure, or one of its causes, is the schema registry being unreachable rather than a bad record. */
    public static boolean registryUnavailable(Throwable exception) {
        return causedBy(exception, RegistryUnavailableException.class);
    }

    /**
     * Whether a processing failure involves the schema registry at all (unreachable, or refusing a request). While
     * processing, the registry is only asked when an output is written, which is never the input record's fault.
     */
    public static boolean registryFailure(Throwable exception) {
        return causedBy(exception, RegistryUnavailableException.class) || causedBy(exception, RegistryException.class);
    }

    private static boolean causedBy(Throwable exception, Class<? extends Throwable> type) {
        for (Throwable cause = exception; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }

    /** The exception and its causes, class and message each, at most 1,000 characters. */
    public static String describe(Throwable exception) {
        Throwable cause = exception;
        StringBuilder detail = new StringBuilder();
        while (cause != null && detail.length() < MAX_DETAIL) {
            if (!detail.isEmpty()) {
                detail.append(": ");
            }
            detail.append(cause.getClass().getSimpleName());
            if (cause.getMessage() != null) {
                detail.append(' ').append(cause.getMessage());
            }
            cause = cause.getCause() == cause ? null : cause.getCause();
        }
        return detail.toString();
    }

    public static RejectedRecord record(Reason reason, String detail, String topic, int partition, long offset,
                                        long timestamp, byte[] key, byte[] value) {
        return RejectedRecord.newBuilder()
                .setReason(reason.name())
                .setDetail(truncate(detail))
                .setSourceTopic(topic == null ? "" : topic)
                .setSourcePartition(partition)
                .setSourceOffset(offset)
                .setSourceTimestamp(Instant.ofEpochMilli(Math.max(0, timestamp)))
                .setOriginalKey(key == null ? null : ByteBuffer.wrap(key))
                .setOriginalValue(value == null ? null : ByteBuffer.wrap(value))
                .build();
    }

    private static String truncate(String detail) {
        String text = detail == null ? "" : detail;
        return text.length() <= MAX_DETAIL ? text : text.substring(0, MAX_DETAIL) + "...";
    }
}
