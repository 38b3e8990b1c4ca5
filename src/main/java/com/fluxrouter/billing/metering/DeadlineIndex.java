package com.fluxrouter.billing.metering;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Account-months ordered by the billing-clock instant at which something is due for them: closing, or purging
 * the state of a closed month. Keys are the 8-byte big-endian instant, a kind byte and the ledger key, so a range
 * scan from the start returns exactly the entries due, oldest first, in any byte-ordered store.
 */
final class DeadlineIndex {
    enum Kind { CLOSE, PURGE }

    record Entry(long at, Kind kind, String ledgerKey) {
    }

    private static final byte[] EMPTY = new byte[0];
    private final KeyValueStore<Bytes, byte[]> store;

    DeadlineIndex(KeyValueStore<Bytes, byte[]> store) {
        this.store = store;
    }

    void add(long at, Kind kind, String ledgerKey) {
        store.put(encode(at, kind, ledgerKey), EMPTY);
    }

    /** Removes and returns every entry due at or before the instant. */
    List<Entry> takeDue(long upTo) {
        List<Entry> due = new ArrayList<>();
        List<Bytes> keys = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> range = store.range(null, upTo == Long.MAX_VALUE ? null : prefix(upTo + 1))) {
            while (range.hasNext()) {
                KeyValue<Bytes, byte[]> next = range.next();
                keys.add(next.key);
                due.add(decode(next.key.get()));
            }
        }
        keys.forEach(store::delete);
        return due;
    }

    /** The earliest instant at which something is due, or Long.MAX_VALUE. */
    long earliest() {
        try (KeyValueIterator<Bytes, byte[]> all = store.all()) {
            return all.hasNext() ? decode(all.next().key.get()).at() : Long.MAX_VALUE;
        }
    }

    private static Bytes prefix(long at) {
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES).putLong(at).array());
    }

    private static Bytes encode(long at, Kind kind, String ledgerKey) {
        byte[] name = ledgerKey.getBytes(StandardCharsets.UTF_8);
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
