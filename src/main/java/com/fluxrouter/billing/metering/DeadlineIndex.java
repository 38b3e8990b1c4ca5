package com.fluxrouter.billing.metering;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What falls due on the billing clock, and when: closing a month, purging a closed month's state, forgetting an
 * accepted request id. Keys are the 8-byte big-endian instant, a kind byte and the subject (a ledger or id key),
 * so a range scan from the start returns exactly the entries due, oldest first, in any byte-ordered store.
 *
 * <p>The processor asks only when its clock reaches {@link #nextCheck}, a lower bound of the earliest entry, so the
 * per-request cost is a comparison; stores copy the keys of a range, so whole-store scans stay off the hot path.
 */
final class DeadlineIndex {
    enum Kind { CLOSE, PURGE, FORGET_ID }

    record Entry(long at, Kind kind, String subject) {
        Bytes key() {
            return encode(at, kind, subject);
        }
    }

    /** How far ahead a check looks for the next entry; past it, the next check is a lower bound, not exact. */
    private static final long LOOKAHEAD_MS = 3_600_000L;
    private static final byte[] EMPTY = new byte[0];
    private final KeyValueStore<Bytes, byte[]> store;
    private long nextCheck;

    DeadlineIndex(KeyValueStore<Bytes, byte[]> store) {
        this.store = store;
        try (KeyValueIterator<Bytes, byte[]> all = store.all()) {
            this.nextCheck = all.hasNext() ? decode(all.next().key.get()).at() : Long.MAX_VALUE;
        }
    }

    void add(long at, Kind kind, String subject) {
        store.put(encode(at, kind, subject), EMPTY);
        nextCheck = Math.min(nextCheck, at);
    }

    /**
     * Every entry due at or before the instant, oldest first; empty, cheaply, when nothing can be due. The caller
     * {@link #remove}s each entry once handled and then calls {@link #checked}, so an entry whose handling fails
     * stays due.
     */
    List<Entry> due(long upTo) {
        if (upTo < nextCheck) {
            return List.of();
        }
        List<Entry> due = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> range = store.range(null, upTo == Long.MAX_VALUE ? null : prefix(upTo + 1))) {
            while (range.hasNext()) {
                due.add(decode(range.next().key.get()));
            }
        }
        return due;
    }

    void remove(Entry entry) {
        store.delete(entry.key());
    }

    /** Records that everything due at or before the instant was handled. */
    void checked(long upTo) {
        if (upTo >= nextCheck) {
            nextCheck = nextAfter(upTo);
        }
    }

    /** The first entry after the instant if it lies within the lookahead, else the end of the lookahead. */
    private long nextAfter(long upTo) {
        if (upTo >= Long.MAX_VALUE - LOOKAHEAD_MS) {
            return Long.MAX_VALUE;
        }
        long horizon = upTo + 1 + LOOKAHEAD_MS;
        try (KeyValueIterator<Bytes, byte[]> range = store.range(prefix(upTo + 1), prefix(horizon))) {
            return range.hasNext() ? decode(range.next().key.get()).at() : horizon;
        }
    }

    private static Bytes prefix(long at) {
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES).putLong(at).array());
    }

    private static Bytes encode(long at, Kind kind, String subject) {
        byte[] name = subject.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES + 1 + name.length)
                .putLong(at).put((byte) kind.ordinal()).put(name).array());
    }

    private static Entry decode(byte[] key) {
        ByteBuffer buffer = ByteBuffer.wrap(key);
        long at = buffer.getLong();
        Kind kind = Kind.values()[buffer.get()];
        return new Entry(at, kind, new String(key, Long.BYTES + 1, key.length - Long.BYTES - 1, StandardCharsets.UTF_8));
    }
}
