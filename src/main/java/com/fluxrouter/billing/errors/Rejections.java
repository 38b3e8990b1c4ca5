package com.fluxrouter.billing.errors;

import com.fluxrouter.billing.schema.RejectedRecord;
import com.fluxrouter.billing.serde.RegistryException;
import com.fluxrouter.billing.serde.RegistryUnavailableException;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.time.Instant;

/** Builds the rejected record of an input record, the same way for the live handlers and for replay. */
public final class Rejections {
    private static final int MAX_DETAIL = 1_000;
    /**
     * The most original key and value bytes, together, a rejection keeps: the broker's default largest record, so
     * every record accepted uncompressed is kept whole. The key is written twice (as the rejection's key and inside
     * it), which stays well under the rejected topic's 3 MiB records (TopicSpecs.REJECTED_MAX_BYTES).
     */
    public static final int MAX_KEPT_BYTES = 1024 * 1024;

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

    /** Whether a processing failure, or one of its causes, happened while writing a computed result. */
    public static boolean writeFailure(Throwable exception) {
        return causedBy(exception, WriteFailedException.class);
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

    /**
     * The rejection of an input record. An input record's key and value together larger than
     * {@link #MAX_KEPT_BYTES} (one the broker accepted compressed can decompress far larger) keep only prefixes that
     * fit it, and the detail says how long each cut original was and its SHA-256, so the whole record can be
     * fetched from its topic, partition and offset (kept 90 days) and checked: a rejection too large to write would
     * stop its partition.
     */
    public static RejectedRecord record(Reason reason, String detail, String topic, int partition, long offset,
                                        long timestamp, byte[] key, byte[] value) {
        String where = (topic == null ? "" : topic) + "-" + partition + "@" + offset;
        int keyLength = key == null ? 0 : key.length;
        int valueLength = value == null ? 0 : value.length;
        int keptKey = keyLength;
        int keptValue = valueLength;
        if ((long) keyLength + valueLength > MAX_KEPT_BYTES) {
            keptKey = Math.min(keyLength, Math.max(MAX_KEPT_BYTES / 2, MAX_KEPT_BYTES - valueLength));
            keptValue = Math.min(valueLength, MAX_KEPT_BYTES - keptKey);
        }
        return RejectedRecord.newBuilder()
                .setReason(reason.name())
                .setDetail(truncate(detail) + capNote("key", key, keptKey, where)
                        + capNote("value", value, keptValue, where))
                .setSourceTopic(topic == null ? "" : topic)
                .setSourcePartition(partition)
                .setSourceOffset(offset)
                .setSourceTimestamp(Instant.ofEpochMilli(Math.max(0, timestamp)))
                .setOriginalKey(key == null ? null : ByteBuffer.wrap(prefix(key, keptKey)))
                .setOriginalValue(value == null ? null : ByteBuffer.wrap(prefix(value, keptValue)))
                .build();
    }

    /** The bytes of a kept original key or value (null stays null). */
    public static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    private static byte[] prefix(byte[] bytes, int max) {
        return bytes == null || bytes.length <= max ? bytes : Arrays.copyOf(bytes, max);
    }

    private static String capNote(String what, byte[] bytes, int max, String where) {
        if (bytes == null || bytes.length <= max) {
            return "";
        }
        return " [original " + what + " cut: " + bytes.length + " bytes, sha-256 " + sha256(bytes) + ", the first "
                + max + " kept; the whole record is at " + where + "]";
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private static String truncate(String detail) {
        String text = detail == null ? "" : detail;
        return text.length() <= MAX_DETAIL ? text : text.substring(0, MAX_DETAIL) + "...";
    }
}
