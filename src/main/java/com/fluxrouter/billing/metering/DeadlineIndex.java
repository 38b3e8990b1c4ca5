package com.fluxrouter.billing.metering;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The store of {@link Deadline}s: what falls due on the billing clock, and when. Keys are the 8-byte big-endian instant, a kind byte and the subject (a ledger or id key),
 * so a range scan from the start returns exactly the entries due, oldest first, in any byte-ordered store.
 *
 * <p>The processor asks only when its clock reaches {@link #nextCheck}, a lower bound of the earliest entry, so the
 * per-request cost is a comparison; stores copy the keys of a range, so whole-store scans stay off the hot path.
 */
final class DeadlineIndex {
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

    void add(Deadline deadline) {
        store.put(encode(deadline), EMPTY);
        nextCheck = Math.min(nextCheck, deadline.at());
    }

    /**
     * Every entry due at or before the instant, oldest first; empty, cheaply, when nothing can be due. The caller
     * {@link #remove}s each entry once handled and then calls {@link #checked}, so an entry whose handling fails
     * stays due.
     */
    List<Deadline> due(long upTo) {
        if (upTo < nextCheck) {
            return List.of();
        }
        List<Deadline> due = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> range = store.range(null, upTo == Long.MAX_VALUE ? null : prefix(upTo + 1))) {
            while (range.hasNext()) {
                due.add(decode(range.next().key.get()));
            }
        }
        return due;
    }

    void remove(Deadline deadline) {
        store.delete(encode(deadline));
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

    private static Bytes encode(Deadline deadline) {
        byte[] name = deadline.subject().getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES + 1 + name.length)
                .putLong(deadline.at()).put((byte) deadline.kind().ordinal()).put(name).array());
    }

    private static Deadline decode(byte[] key) {
        ByteBuffer buffer = ByteBuffer.wrap(key);
        long at = buffer.getLong();
        Deadline.Kind kind = Deadline.Kind.values()[buffer.get()];
        return new Deadline(at, kind, new String(key, Long.BYTES + 1, key.length - Long.BYTES - 1, StandardCharsets.UTF_8));
    }
}
