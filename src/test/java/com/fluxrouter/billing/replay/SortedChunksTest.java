package com.fluxrouter.billing.replay;

import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link SortedChunks} holds and orders keys as a {@code TreeMap} of Kafka's {@code Bytes} does, whatever their common
 * prefixes, lengths and byte values, through chunk splits, merges and removals.
 */
class SortedChunksTest {
    @ParameterizedTest
    @ValueSource(ints = {4, 5, 16, SortedChunks.DEFAULT_CAPACITY})
    void answersAsATreeMapOfBytesOnRandomOperations(int capacity) {
        Random random = new Random(capacity);
        List<byte[]> keys = keys(random, 3_000);
        SortedChunks chunks = new SortedChunks(capacity);
        TreeMap<Bytes, byte[]> expected = new TreeMap<>();
        int maxChunks = 0;
        for (int i = 0; i < 60_000; i++) {
            byte[] key = keys.get(random.nextInt(keys.size()));
            // Phases that grow and shrink the map, so chunks split, drain, merge and disappear.
            boolean growing = (i / 10_000) % 2 == 0;
            if (!writeOrGet(chunks, expected, key, random.nextInt(10), growing ? 5 : 2,
                    new byte[] {(byte) random.nextInt(), (byte) i})) {
                byte[] from = random.nextInt(8) == 0 ? null : random.nextBoolean() ? key : keys.get(random.nextInt(keys.size()));
                assertThat(read(chunks, from, 50)).isEqualTo(read(expected, from, 50));
            }
            assertThat(chunks.size()).isEqualTo(expected.size());
            maxChunks = Math.max(maxChunks, chunks.chunkCount());
        }
        assertThat(read(chunks, null, Integer.MAX_VALUE)).isEqualTo(read(expected, null, Integer.MAX_VALUE));
        // The phases did split (more chunks than one) and, in the shrinking ones, merge and drop chunks.
        assertThat(maxChunks).isGreaterThan(expected.size() / capacity);
        assertThat(chunks.chunkCount()).isLessThan(maxChunks);
    }

    @Test
    void keysSharingLongPrefixesOrKeysThatArePrefixesOfOthersKeepTheirOrder() {
        SortedChunks chunks = new SortedChunks(4);
        TreeMap<Bytes, byte[]> expected = new TreeMap<>();
        List<byte[]> keys = new ArrayList<>();
        String prefix = "acct-000\u001Freplay-";
        for (int i = 0; i < 200; i++) {
            keys.add((prefix + i).getBytes(StandardCharsets.UTF_8));
            keys.add((prefix + i + "\u0000").getBytes(StandardCharsets.UTF_8));
            keys.add(prefix.substring(0, i % prefix.length()).getBytes(StandardCharsets.UTF_8));
        }
        keys.add(new byte[0]);
        keys.add(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0});
        keys.add(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
        java.util.Collections.shuffle(keys, new Random(7));
        for (byte[] key : keys) {
            chunks.put(key, key);
            expected.put(Bytes.wrap(key), key);
        }
        assertThat(read(chunks, null, Integer.MAX_VALUE)).isEqualTo(read(expected, null, Integer.MAX_VALUE));
        for (byte[] key : keys) {
            assertThat(chunks.get(key)).isSameAs(expected.get(Bytes.wrap(key)));
            byte[] after = java.util.Arrays.copyOf(key, key.length + 1);
            assertThat(read(chunks, after, 3)).isEqualTo(read(expected, after, 3));
        }
    }

    /**
     * Keys whose chunk shares more than the 24 bytes held as longs (an account, the separator and a long request id):
     * the chunks' first keys then agree in all three longs, and whether a key has its chunk's prefix is read from its
     * bytes past them. Keys cut short inside the common stem and tails of 0x00, 0x01 and 0xFF end where others go on.
     */
    @ParameterizedTest
    @ValueSource(ints = {4, 5, 8, 16})
    void keysSharingMoreThanTheTwentyFourBytesHeldAsLongsKeepTheirOrder(int capacity) {
        for (int seed = 0; seed < 40; seed++) {
            Random random = new Random(seed * 31L + capacity);
            byte[] stem = bytes(random, 40, new int[] {0, 1, 0x7F, 0x80, 0xFF});
            List<byte[]> keys = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                int kept = random.nextInt(4) == 0 ? random.nextInt(stem.length + 1) : stem.length;
                byte[] tail = bytes(random, random.nextBoolean() ? 3 : 20, new int[] {0, 1, 0xFF});
                byte[] key = java.util.Arrays.copyOf(stem, kept + tail.length);
                System.arraycopy(tail, 0, key, kept, tail.length);
                keys.add(key);
            }
            SortedChunks chunks = new SortedChunks(capacity);
            TreeMap<Bytes, byte[]> expected = new TreeMap<>();
            for (int i = 0; i < 8_000; i++) {
                byte[] key = keys.get(random.nextInt(keys.size()));
                boolean growing = (i / 1_000) % 2 == 0;
                if (!writeOrGet(chunks, expected, key, random.nextInt(10), growing ? 6 : 2, new byte[] {(byte) i})) {
                    assertThat(read(chunks, key, 20)).isEqualTo(read(expected, key, 20));
                }
            }
            assertThat(read(chunks, null, Integer.MAX_VALUE)).isEqualTo(read(expected, null, Integer.MAX_VALUE));
            for (byte[] key : keys) {
                assertThat(chunks.get(key)).isEqualTo(expected.get(Bytes.wrap(key)));
                assertThat(read(chunks, key, 3)).isEqualTo(read(expected, key, 3));
            }
        }
    }

    /**
     * One operation on both maps, by a draw of 0-9: below {@code putBelow} a put of {@code value}, then up to 6 a
     * remove, 7 and 8 a get, each answer compared.
     *
     * @return false for 9, a read the caller makes
     */
    private static boolean writeOrGet(SortedChunks chunks, TreeMap<Bytes, byte[]> expected, byte[] key, int operation,
                                      int putBelow, byte[] value) {
        if (operation < putBelow) {
            assertThat(chunks.put(key, value)).isEqualTo(expected.put(Bytes.wrap(key), value));
        } else if (operation < 7) {
            assertThat(chunks.remove(key)).isEqualTo(expected.remove(Bytes.wrap(key)));
        } else if (operation < 9) {
            assertThat(chunks.get(key)).isEqualTo(expected.get(Bytes.wrap(key)));
        } else {
            return false;
        }
        return true;
    }

    @Test
    void aChunkHoldsAtLeastFourKeys() {
        assertThatThrownBy(() -> new SortedChunks(3)).isInstanceOf(IllegalArgumentException.class);
    }

    /** Keys as the meter's stores have them (an account, a separator, an id), and arbitrary bytes. */
    private static List<byte[]> keys(Random random, int count) {
        List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] key = switch (random.nextInt(4)) {
                case 0 -> ("acct-" + random.nextInt(5) + "\u001Freplay-" + random.nextInt(100_000))
                        .getBytes(StandardCharsets.UTF_8);
                case 1 -> ("acct-00" + random.nextInt(3) + "\u001F" + Long.toHexString(random.nextLong()))
                        .getBytes(StandardCharsets.UTF_8);
                default -> {
                    byte[] bytes = new byte[random.nextInt(20)];
                    for (int j = 0; j < bytes.length; j++) {
                        // Few byte values, so keys share prefixes and end where others go on with zeros.
                        bytes[j] = (byte) new int[] {0, 1, 0x7F, 0x80, 0xFF}[random.nextInt(5)];
                    }
                    yield bytes;
                }
            };
            keys.add(key);
        }
        return keys;
    }

    /** Up to {@code maxLength} bytes (at least none), each one of {@code values}. */
    private static byte[] bytes(Random random, int maxLength, int[] values) {
        byte[] bytes = new byte[random.nextInt(maxLength)];
        for (int j = 0; j < bytes.length; j++) {
            bytes[j] = (byte) values[random.nextInt(values.length)];
        }
        return bytes;
    }

    /** Up to {@code limit} entries from the least key at or after {@code from}, as key and value. */
    private static List<Map.Entry<Bytes, Bytes>> read(SortedChunks chunks, byte[] from, int limit) {
        List<Map.Entry<Bytes, Bytes>> read = new ArrayList<>();
        for (long at = chunks.first(from); at != SortedChunks.END && read.size() < limit; at = chunks.next(at)) {
            read.add(Map.entry(Bytes.wrap(chunks.key(at)), Bytes.wrap(chunks.value(at))));
        }
        return read;
    }

    private static List<Map.Entry<Bytes, Bytes>> read(NavigableMap<Bytes, byte[]> map, byte[] from, int limit) {
        List<Map.Entry<Bytes, Bytes>> read = new ArrayList<>();
        for (Map.Entry<Bytes, byte[]> entry : (from == null ? map : map.tailMap(Bytes.wrap(from), true)).entrySet()) {
            if (read.size() == limit) {
                break;
            }
            read.add(Map.entry(entry.getKey(), Bytes.wrap(entry.getValue())));
        }
        return read;
    }
}
