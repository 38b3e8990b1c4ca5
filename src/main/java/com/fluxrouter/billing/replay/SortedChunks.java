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
 * docs/performance.md). Here a lookup searches the chunks' first keys, then one chunk, and compares mostly
 * {@code long}s held in primitive arrays: each key's eight bytes after the prefix that all keys of its chunk share (the
 * chunk's first eight bytes for the chunks' own order), so that keys with a long common prefix (an account id and a
 * separator) still differ in the {@code long}; only when two {@code long}s are equal are the keys' bytes compared.
 *
 * <p>Positions ({@link #first}, {@link #next}, {@link #key}, {@link #value}) are valid until the next write; the caller
 * (MemoryStore's iterators) refuses to read on after one. Not thread-safe.
 */
final class SortedChunks {
    /** Keys per chunk at most: a chunk's insert or delete moves up to this many entries. */
    static final int DEFAULT_CAPACITY = 128;
    /** The end of the entries: a position after the last. */
    static final long END = Long.MAX_VALUE;

    private static final VarHandle LONG_BIG_ENDIAN =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private final int capacity;
    private Chunk[] chunks = new Chunk[16];
    /** The first eight bytes of each chunk's first key, as {@link #prefix} gives them, for the search of chunks. */
    private long[] firsts = new long[16];
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
        int c = chunkOf(key);
        if (c < 0) {
            return null;
        }
        Chunk chunk = chunks[c];
        int i = chunk.find(key);
        return i >= 0 ? chunk.values[i] : null;
    }

    /**
     * Holds the value for the key.
     *
     * @return the value it replaced, or null
     */
    byte[] put(byte[] key, byte[] value) {
        if (chunkCount == 0) {
            Chunk chunk = new Chunk(capacity);
            chunk.insert(0, key, value);
            insertChunk(0, chunk);
            size++;
            return null;
        }
        int c = Math.max(0, chunkOf(key));
        Chunk chunk = chunks[c];
        int i = chunk.find(key);
        if (i >= 0) {
            byte[] old = chunk.values[i];
            chunk.values[i] = value;
            return old;
        }
        i = -i - 1;
        if (chunk.size == capacity) {
            Chunk right = chunk.split();
            insertChunk(c + 1, right);
            if (i > chunk.size) {
                i -= chunk.size;
                c++;
                chunk = right;
            }
        }
        chunk.insert(i, key, value);
        if (i == 0) {
            firsts[c] = prefix(key, 0);
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
        int c = chunkOf(key);
        if (c < 0) {
            return null;
        }
        Chunk chunk = chunks[c];
        int i = chunk.find(key);
        if (i < 0) {
            return null;
        }
        byte[] old = chunk.values[i];
        chunk.remove(i);
        size--;
        if (chunk.size == 0) {
            removeChunk(c);
            return old;
        }
        if (i == 0) {
            firsts[c] = prefix(chunk.keys[0], 0);
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
        if (from == null) {
            return position(0, 0);
        }
        int c = chunkOf(from);
        if (c < 0) {
            return position(0, 0);
        }
        int i = chunks[c].find(from);
        return normalized(c, i >= 0 ? i : -i - 1);
    }

    /** The position after {@code position}, or {@link #END}. */
    long next(long position) {
        return normalized((int) (position >>> 32), (int) position + 1);
    }

    byte[] key(long position) {
        return chunks[(int) (position >>> 32)].keys[(int) position];
    }

    byte[] value(long position) {
        return chunks[(int) (position >>> 32)].values[(int) position];
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

    private static long position(int c, int i) {
        return ((long) c << 32) | i;
    }

    /** The last chunk whose first key is at or before the key; -1 when the key is before every key (or none held). */
    private int chunkOf(byte[] key) {
        long p = prefix(key, 0);
        int low = 0;
        int high = chunkCount - 1;
        while (low <= high) {
            int middle = (low + high) >>> 1;
            int order = Long.compareUnsigned(firsts[middle], p);
            if (order == 0) {
                order = Arrays.compareUnsigned(chunks[middle].keys[0], key);
            }
            if (order < 0) {
                low = middle + 1;
            } else if (order > 0) {
                high = middle - 1;
            } else {
                return middle;
            }
        }
        return low - 1;
    }

    private void insertChunk(int c, Chunk chunk) {
        if (chunkCount == chunks.length) {
            chunks = Arrays.copyOf(chunks, chunkCount * 2);
            firsts = Arrays.copyOf(firsts, chunkCount * 2);
        }
        System.arraycopy(chunks, c, chunks, c + 1, chunkCount - c);
        System.arraycopy(firsts, c, firsts, c + 1, chunkCount - c);
        chunks[c] = chunk;
        firsts[c] = prefix(chunk.keys[0], 0);
        chunkCount++;
    }

    private void removeChunk(int c) {
        System.arraycopy(chunks, c + 1, chunks, c, chunkCount - c - 1);
        System.arraycopy(firsts, c + 1, firsts, c, chunkCount - c - 1);
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
        /** Each key's eight bytes from {@link #shared}, as {@link #prefix} gives them. */
        final long[] prefixes;
        int size;
        /** How many leading bytes every key of the chunk has in common (at most; possibly fewer). */
        int shared;

        Chunk(int capacity) {
            keys = new byte[capacity][];
            values = new byte[capacity][];
            prefixes = new long[capacity];
        }

        /** The key's index, or -(insertion point) - 1. */
        int find(byte[] key) {
            byte[] first = keys[0];
            int common = Arrays.mismatch(first, key);
            if (common < 0) {
                return 0;
            }
            if (common < shared) {
                // The key leaves the chunk's common prefix there: it is before or after all of the chunk's keys.
                boolean before = common == key.length || (key[common] & 0xFF) < (first[common] & 0xFF);
                return before ? -1 : -size - 1;
            }
            long p = prefix(key, shared);
            int low = 0;
            int high = size - 1;
            while (low <= high) {
                int middle = (low + high) >>> 1;
                int order = Long.compareUnsigned(prefixes[middle], p);
                if (order == 0) {
                    order = Arrays.compareUnsigned(keys[middle], key);
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

        /** Inserts at index i (the key's insertion point); the chunk has room. */
        void insert(int i, byte[] key, byte[] value) {
            if (size == 0) {
                shared = key.length;
            } else {
                int common = Arrays.mismatch(keys[0], key);
                if (common < shared) {
                    shared = common;
                    reprefix();
                }
            }
            System.arraycopy(keys, i, keys, i + 1, size - i);
            System.arraycopy(values, i, values, i + 1, size - i);
            System.arraycopy(prefixes, i, prefixes, i + 1, size - i);
            keys[i] = key;
            values[i] = value;
            prefixes[i] = prefix(key, shared);
            size++;
        }

        void remove(int i) {
            System.arraycopy(keys, i + 1, keys, i, size - i - 1);
            System.arraycopy(values, i + 1, values, i, size - i - 1);
            System.arraycopy(prefixes, i + 1, prefixes, i, size - i - 1);
            size--;
            keys[size] = null;
            values[size] = null;
        }

        /** Moves the upper half of the keys into a new chunk, which it returns; both keep their keys' common prefix. */
        Chunk split() {
            Chunk right = new Chunk(keys.length);
            int half = size / 2;
            right.size = size - half;
            System.arraycopy(keys, half, right.keys, 0, right.size);
            System.arraycopy(values, half, right.values, 0, right.size);
            Arrays.fill(keys, half, size, null);
            Arrays.fill(values, half, size, null);
            size = half;
            narrow();
            right.narrow();
            return right;
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
                prefixes[i] = prefix(keys[i], shared);
            }
        }
    }
}
