package com.fluxrouter.billing.replay;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Byte-array keys and values kept in key order (unsigned lexicographic, shorter first on a common prefix: the order of
 * Kafka's {@code Bytes} and of RocksDB's bytewise comparator) in short sorted arrays, "chunks", themselves in order: a
 * two-level B-tree. A {@code TreeMap} of a million keys walks twenty levels of scattered nodes per lookup, loading an
 * entry, its key object and the key's bytes at each, and compares bytes at every level (a quarter of replay's thread,
 * docs/performance.md). Here a lookup compares {@code long}s held in primitive arrays, and a key's bytes only where
 * those are equal: first each chunk's first key's leading {@value #FIRST_LONGS} times eight bytes (an account id, the
 * separator and the start of a request id), then, in the one chunk, each key's sixteen bytes after the prefix that all
 * keys of the chunk share, so that keys with a long common prefix still differ in their {@code long}s.
 *
 * <p>Positions ({@link #first}, {@link #next}, {@link #key}, {@link #value}) are valid until the next write; the caller
 * (MemoryStore's iterators) refuses to read on after one. Not thread-safe.
 */
final class SortedChunks {
    /** Keys per chunk at most: a chunk's insert or delete moves up to this many entries. */
    static final int DEFAULT_CAPACITY = 128;
    /** The end of the entries: a position after the last. */
    static final long END = Long.MAX_VALUE;
    /** What {@link #locate} answers for a key before every key, or when none is held. */
    private static final long BEFORE_ALL = -1;
    private static final int FIRST_LONGS = 3;

    private static final VarHandle LONG_BIG_ENDIAN =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private final int capacity;
    private Chunk[] chunks = new Chunk[16];
    /** The {@link #prefix}es of each chunk's first key from bytes 0, 8 and 16, chunk after chunk. */
    private long[] firsts = new long[16 * FIRST_LONGS];
    private int chunkCount;
    private int size;

    SortedChunks() {
        this(DEFAULT_CAPACITY);
    }

    /** @param capacity keys per chunk at most, at least 4 (tests use small chunks to split and merge often) */
    SortedChunks(int capacity) {
        if (capacity < 4) {
            throw new IllegalArgumentException("capacity must be at least 4, not " + capacity);
        }
        this.capacity = capacity;
    }

    /** How many keys are held. */
    int size() {
        return size;
    }

    /** The value held for the key, or null. */
    byte[] get(byte[] key) {
        long at = locate(key);
        return at == BEFORE_ALL || (int) at < 0 ? null : chunks[chunkOf(at)].values[(int) at];
    }

    /**
     * Holds the value for the key.
     *
     * @return the value it replaced, or null
     */
    byte[] put(byte[] key, byte[] value) {
        if (chunkCount == 0) {
            Chunk chunk = new Chunk(capacity);
            chunk.insert(0, key, value, false);
            insertChunk(0, chunk);
            size++;
            return null;
        }
        long at = locate(key);
        int c = at == BEFORE_ALL ? 0 : chunkOf(at);
        int i = at == BEFORE_ALL ? -1 : (int) at;
        Chunk chunk = chunks[c];
        if (i >= 0) {
            byte[] old = chunk.values[i];
            chunk.values[i] = value;
            return old;
        }
        i = -i - 1;
        // Found in the chunk's order: then the key shares the chunk's prefix (locate checked it).
        boolean shares = at != BEFORE_ALL && i < chunk.size;
        if (chunk.size == capacity) {
            Chunk right = chunk.split();
            insertChunk(c + 1, right);
            shares = false;
            if (i > chunk.size) {
                i -= chunk.size;
                c++;
                chunk = right;
            }
        }
        chunk.insert(i, key, value, shares);
        if (i == 0) {
            first(c);
        }
        size++;
        return null;
    }

    /**
     * Drops the key.
     *
     * @return the value it held, or null when it held none
     */
    byte[] remove(byte[] key) {
        long at = locate(key);
        if (at == BEFORE_ALL || (int) at < 0) {
            return null;
        }
        int c = chunkOf(at);
        int i = (int) at;
        Chunk chunk = chunks[c];
        byte[] old = chunk.values[i];
        chunk.remove(i);
        size--;
        if (chunk.size == 0) {
            removeChunk(c);
            return old;
        }
        if (i == 0) {
            first(c);
        }
        // Chunks emptied by deletes would make the search of chunks longer: a small one joins its right neighbour.
        if (chunk.size < capacity / 4 && c + 1 < chunkCount && chunk.size + chunks[c + 1].size <= capacity / 2) {
            chunk.append(chunks[c + 1]);
            removeChunk(c + 1);
        }
        return old;
    }

    /** The position of the least key at or after {@code from} (null: the first key), or {@link #END}. */
    long first(byte[] from) {
        if (chunkCount == 0) {
            return END;
        }
        long at = from == null ? BEFORE_ALL : locate(from);
        if (at == BEFORE_ALL) {
            return position(0, 0);
        }
        int i = (int) at;
        return normalized(chunkOf(at), i >= 0 ? i : -i - 1);
    }

    /** The position after {@code position}, or {@link #END}. */
    long next(long position) {
        return normalized(chunkOf(position), (int) position + 1);
    }

    byte[] key(long position) {
        return chunks[chunkOf(position)].keys[(int) position];
    }

    byte[] value(long position) {
        return chunks[chunkOf(position)].values[(int) position];
    }

    /** Chunks held, for tests of the layout. */
    int chunkCount() {
        return chunkCount;
    }

    private long normalized(int c, int i) {
        if (i < chunks[c].size) {
            return position(c, i);
        }
        return c + 1 < chunkCount ? position(c + 1, 0) : END;
    }

    /** A chunk and an index in it (negative: -(insertion point) - 1), in one long. */
    private static long position(int c, int i) {
        return ((long) c << 32) | (i & 0xFFFFFFFFL);
    }

    private static int chunkOf(long position) {
        return (int) (position >>> 32);
    }

    /**
     * Where the key is: its chunk and index ({@link #position}), or its chunk and insertion point as -(index) - 1, or
     * {@link #BEFORE_ALL}. The chunk is the last whose first key is at or before the key.
     */
    private long locate(byte[] key) {
        long p0 = prefix(key, 0);
        long p1 = prefix(key, Long.BYTES);
        long p2 = prefix(key, 2 * Long.BYTES);
        int low = 0;
        int high = chunkCount - 1;
        while (low <= high) {
            int middle = (low + high) >>> 1;
            int at = middle * FIRST_LONGS;
            int order = Long.compareUnsigned(firsts[at], p0);
            if (order == 0) {
                order = Long.compareUnsigned(firsts[at + 1], p1);
                if (order == 0) {
                    order = Long.compareUnsigned(firsts[at + 2], p2);
                    if (order == 0) {
                        order = Arrays.compareUnsigned(chunks[middle].keys[0], key);
                    }
                }
            }
            if (order < 0) {
                low = middle + 1;
            } else if (order > 0) {
                high = middle - 1;
            } else {
                return position(middle, 0);
            }
        }
        int c = low - 1;
        if (c < 0) {
            return BEFORE_ALL;
        }
        Chunk chunk = chunks[c];
        // The key is after the chunk's first key; if it leaves the prefix all the chunk's keys share, it is after all.
        return position(c, sharesPrefix(c, key, p0, p1, p2) ? chunk.find(key) : -chunk.size - 1);
    }

    /** Whether the key, at or after chunk c's first key, has the chunk's shared prefix, read mostly from the longs. */
    private boolean sharesPrefix(int c, byte[] key, long p0, long p1, long p2) {
        int shared = chunks[c].shared;
        int at = c * FIRST_LONGS;
        if (key.length < shared || !sameLeadingBytes(firsts[at], p0, shared)
                || !sameLeadingBytes(firsts[at + 1], p1, shared - Long.BYTES)
                || !sameLeadingBytes(firsts[at + 2], p2, shared - 2 * Long.BYTES)) {
            return false;
        }
        int longBytes = FIRST_LONGS * Long.BYTES;
        return shared <= longBytes || Arrays.equals(key, longBytes, shared, chunks[c].keys[0], longBytes, shared);
    }

    /** Whether two {@link #prefix}es agree in their first {@code count} bytes (all eight when more, none when less than 1). */
    private static boolean sameLeadingBytes(long a, long b, int count) {
        if (count <= 0) {
            return true;
        }
        return count >= Long.BYTES ? a == b : (a ^ b) >>> (Long.SIZE - Byte.SIZE * count) == 0;
    }

    /** Sets chunk c's entry in {@link #firsts} to its first key. */
    private void first(int c) {
        byte[] key = chunks[c].keys[0];
        for (int i = 0; i < FIRST_LONGS; i++) {
            firsts[c * FIRST_LONGS + i] = prefix(key, i * Long.BYTES);
        }
    }

    private void insertChunk(int c, Chunk chunk) {
        if (chunkCount == chunks.length) {
            chunks = Arrays.copyOf(chunks, chunkCount * 2);
            firsts = Arrays.copyOf(firsts, chunkCount * 2 * FIRST_LONGS);
        }
        System.arraycopy(chunks, c, chunks, c + 1, chunkCount - c);
        System.arraycopy(firsts, c * FIRST_LONGS, firsts, (c + 1) * FIRST_LONGS, (chunkCount - c) * FIRST_LONGS);
        chunks[c] = chunk;
        chunkCount++;
        first(c);
    }

    private void removeChunk(int c) {
        System.arraycopy(chunks, c + 1, chunks, c, chunkCount - c - 1);
        System.arraycopy(firsts, (c + 1) * FIRST_LONGS, firsts, c * FIRST_LONGS, (chunkCount - c - 1) * FIRST_LONGS);
        chunkCount--;
        chunks[chunkCount] = null;
    }

    /**
     * The eight bytes of the key from {@code offset} as an unsigned big-endian number, zeros past its end. Two keys
     * that agree before {@code offset} and differ here are in this number's order; equal numbers say nothing (one key
     * may end where the other has zeros).
     */
    static long prefix(byte[] key, int offset) {
        if (offset + Long.BYTES <= key.length) {
            return (long) LONG_BIG_ENDIAN.get(key, offset);
        }
        long p = 0;
        for (int i = offset; i < offset + Long.BYTES; i++) {
            p = p << 8 | (i < key.length ? key[i] & 0xFF : 0);
        }
        return p;
    }

    /** Up to {@link #capacity} keys in order, all sharing their first {@link #shared} bytes. */
    private static final class Chunk {
        final byte[][] keys;
        final byte[][] values;
        /**
         * Each key's sixteen bytes from {@link #shared}, as two {@link #prefix}es side by side (key i at 2i and 2i + 1,
         * on one cache line): the second tells apart keys the first does not, such as ids of one account in a chunk
         * that holds two accounts.
         */
        final long[] prefixes;
        int size;
        /** How many leading bytes every key of the chunk has in common (at most; possibly fewer). */
        int shared;

        Chunk(int capacity) {
            keys = new byte[capacity][];
            values = new byte[capacity][];
            prefixes = new long[2 * capacity];
        }

        /** The index of a key that has the chunk's shared prefix, or -(insertion point) - 1. */
        int find(byte[] key) {
            long p = prefix(key, shared);
            long q = prefix(key, shared + Long.BYTES);
            int low = 0;
            int high = size - 1;
            while (low <= high) {
                int middle = (low + high) >>> 1;
                int order = Long.compareUnsigned(prefixes[2 * middle], p);
                if (order == 0) {
                    order = Long.compareUnsigned(prefixes[2 * middle + 1], q);
                    if (order == 0) {
                        order = Arrays.compareUnsigned(keys[middle], key);
                    }
                }
                if (order < 0) {
                    low = middle + 1;
                } else if (order > 0) {
                    high = middle - 1;
                } else {
                    return middle;
                }
            }
            return -low - 1;
        }

        /**
         * Inserts at index i (the key's insertion point); the chunk has room.
         *
         * @param shares whether the key is known to have the chunk's shared prefix; if not, it is checked
         */
        void insert(int i, byte[] key, byte[] value, boolean shares) {
            if (size == 0) {
                shared = key.length;
            } else if (!shares) {
                int common = Arrays.mismatch(keys[0], key);
                if (common < shared) {
                    shared = common;
                    reprefix();
                }
            }
            System.arraycopy(keys, i, keys, i + 1, size - i);
            System.arraycopy(values, i, values, i + 1, size - i);
            System.arraycopy(prefixes, 2 * i, prefixes, 2 * i + 2, 2 * (size - i));
            keys[i] = key;
            values[i] = value;
            setPrefixes(i);
            size++;
        }

        void remove(int i) {
            System.arraycopy(keys, i + 1, keys, i, size - i - 1);
            System.arraycopy(values, i + 1, values, i, size - i - 1);
            System.arraycopy(prefixes, 2 * i + 2, prefixes, 2 * i, 2 * (size - i - 1));
            size--;
            keys[size] = null;
            values[size] = null;
        }

        /**
         * Moves the upper half of the keys into a new chunk, which it returns. Both keep the shared prefix and the
         * prefixes, unless their own keys share eight bytes more: computing them again reads every key's bytes.
         */
        Chunk split() {
            Chunk right = new Chunk(keys.length);
            int half = size / 2;
            right.size = size - half;
            right.shared = shared;
            System.arraycopy(keys, half, right.keys, 0, right.size);
            System.arraycopy(values, half, right.values, 0, right.size);
            System.arraycopy(prefixes, 2 * half, right.prefixes, 0, 2 * right.size);
            Arrays.fill(keys, half, size, null);
            Arrays.fill(values, half, size, null);
            size = half;
            narrowByALong();
            right.narrowByALong();
            return right;
        }

        private void narrowByALong() {
            int common = Arrays.mismatch(keys[0], keys[size - 1]);
            if ((common < 0 ? keys[0].length : common) >= shared + Long.BYTES) {
                narrow();
            }
        }

        /** Appends every key of the next chunk (all after this chunk's keys); it has room. */
        void append(Chunk next) {
            System.arraycopy(next.keys, 0, keys, size, next.size);
            System.arraycopy(next.values, 0, values, size, next.size);
            size += next.size;
            narrow();
        }

        /** Sets {@link #shared} to what the first and last key share (so do all between), and the prefixes to it. */
        private void narrow() {
            int common = Arrays.mismatch(keys[0], keys[size - 1]);
            shared = common < 0 ? keys[0].length : common;
            reprefix();
        }

        private void reprefix() {
            for (int i = 0; i < size; i++) {
                setPrefixes(i);
            }
        }

        private void setPrefixes(int i) {
            prefixes[2 * i] = prefix(keys[i], shared);
            prefixes[2 * i + 1] = prefix(keys[i], shared + Long.BYTES);
        }
    }
}
