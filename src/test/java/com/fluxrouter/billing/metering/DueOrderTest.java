package com.fluxrouter.billing.metering;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The order in which an advancing clock handles what fell due: the instant, the kind, then the subject's UTF-8
 * bytes, unsigned (the deadline index's key order, for the instants after 1970 that billing clocks hold).
 * {@code DUE_ORDER} must give the order the comparator it replaced gave, which encoded both subjects on every
 * comparison, without encoding them, for any strings: supplementary characters (whose UTF-16 order is not their
 * UTF-8 order), unpaired surrogates (which UTF-8 encodes as '?'), chars above the surrogates.
 */
class DueOrderTest {
    /** The reference: the comparator as it was, encoding the subjects on every comparison. */
    private static final Comparator<Deadline> ENCODED = Comparator.comparingLong(Deadline::at)
            .thenComparing(Deadline::kind)
            .thenComparing((a, b) -> Arrays.compareUnsigned(a.subject().getBytes(StandardCharsets.UTF_8),
                    b.subject().getBytes(StandardCharsets.UTF_8)));

    /** The deadline index's key, built here from its documented layout: 8-byte big-endian instant, kind byte, UTF-8. */
    private static byte[] key(Deadline deadline) {
        byte[] subject = deadline.subject().getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(Long.BYTES + 1 + subject.length).putLong(deadline.at())
                .put((byte) deadline.kind().ordinal()).put(subject).array();
    }

    @Test
    void aSupplementaryCharacterSortsAfterTheLastCharsOfTheBasicPlaneAsInUtf8() {
        // UTF-16: U+FFFD (FFFD) > U+1F600 (D83D DE00); UTF-8: EF BF BD < F0 9F 98 80.
        Deadline replacement = new Deadline(5, Deadline.Kind.FORGET_ID, "acct\u001F\uFFFD");
        Deadline emoji = new Deadline(5, Deadline.Kind.FORGET_ID, "acct\u001F\uD83D\uDE00");
        assertThat(MeterTransition.DUE_ORDER.compare(replacement, emoji)).isNegative();
        assertThat(MeterTransition.DUE_ORDER.compare(emoji, replacement)).isPositive();
    }

    @Test
    void anUnpairedSurrogateSortsAsTheQuestionMarkUtf8EncodesItAs() {
        Deadline unpaired = new Deadline(5, Deadline.Kind.FORGET_ID, "a\uD800b");
        Deadline question = new Deadline(5, Deadline.Kind.FORGET_ID, "a?b");
        Deadline after = new Deadline(5, Deadline.Kind.FORGET_ID, "a@");
        assertThat(MeterTransition.DUE_ORDER.compare(unpaired, question)).isZero();
        assertThat(MeterTransition.DUE_ORDER.compare(unpaired, after)).isNegative();
        assertThat(MeterTransition.DUE_ORDER.compare(new Deadline(5, Deadline.Kind.FORGET_ID, "a\uD800"),
                new Deadline(5, Deadline.Kind.FORGET_ID, "a\uD800\uDC00"))).isNegative();
    }

    @Test
    void theInstantAndThenTheKindComeBeforeTheSubject() {
        assertThat(MeterTransition.DUE_ORDER.compare(new Deadline(4, Deadline.Kind.STATUS, "z"),
                new Deadline(5, Deadline.Kind.CLOSE, "a"))).isNegative();
        assertThat(MeterTransition.DUE_ORDER.compare(new Deadline(5, Deadline.Kind.CLOSE, "z"),
                new Deadline(5, Deadline.Kind.PURGE, "a"))).isNegative();
        assertThat(MeterTransition.DUE_ORDER.compare(new Deadline(-1, Deadline.Kind.CLOSE, "a"),
                new Deadline(1, Deadline.Kind.CLOSE, "a"))).isNegative();
    }

    @Test
    void ordersRandomDeadlinesAsTheEncodingComparator() {
        Random random = new Random(14);
        for (int run = 0; run < 200_000; run++) {
            Deadline a = randomDeadline(random, random.nextLong());
            Deadline b = random.nextInt(3) == 0 ? near(random, a) : randomDeadline(random, random.nextLong());
            assertThat(Integer.signum(MeterTransition.DUE_ORDER.compare(a, b)))
                    .as("%s vs %s", a, b)
                    .isEqualTo(Integer.signum(ENCODED.compare(a, b)));
        }
    }

    @Test
    void sortsALargeRandomSetAsTheIndexKeysAfter1970() {
        Random random = new Random(1_014);
        List<Deadline> deadlines = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            deadlines.add(i % 2 == 0 ? randomDeadline(random, random.nextLong() & Long.MAX_VALUE) : near(random, deadlines.get(i - 1)));
        }
        List<Deadline> byComparator = new ArrayList<>(deadlines);
        byComparator.sort(MeterTransition.DUE_ORDER);
        List<byte[]> keys = byComparator.stream().map(DueOrderTest::key).toList();
        for (int i = 1; i < keys.size(); i++) {
            assertThat(Arrays.compareUnsigned(keys.get(i - 1), keys.get(i))).as("position %d", i).isNotPositive();
        }
    }

    /** A deadline at a small instant (so ties are common) or at {@code far}. */
    private static Deadline randomDeadline(Random random, long far) {
        long at = random.nextBoolean() ? random.nextInt(4) : far;
        Deadline.Kind kind = Deadline.Kind.values()[random.nextInt(Deadline.Kind.values().length)];
        return new Deadline(at, kind, randomSubject(random));
    }

    /** The same instant and kind, the subject a small edit of the other's: the comparison reaches the subject. */
    private static Deadline near(Random random, Deadline other) {
        StringBuilder subject = new StringBuilder(other.subject());
        int edits = 1 + random.nextInt(3);
        for (int i = 0; i < edits; i++) {
            int position = subject.isEmpty() ? 0 : random.nextInt(subject.length() + 1);
            switch (random.nextInt(3)) {
                case 0 -> subject.insert(position, randomChars(random));
                case 1 -> {
                    if (position < subject.length()) {
                        subject.deleteCharAt(position);
                    }
                }
                default -> subject.setLength(position);
            }
        }
        return new Deadline(other.at(), other.kind(), subject.toString());
    }

    private static String randomSubject(Random random) {
        StringBuilder subject = new StringBuilder();
        int length = random.nextInt(8);
        for (int i = 0; i < length; i++) {
            subject.append(randomChars(random));
        }
        return subject.toString();
    }

    /** One char or surrogate pair from the ranges where UTF-16 and UTF-8 order part, or an unpaired surrogate. */
    private static String randomChars(Random random) {
        return switch (random.nextInt(9)) {
            case 0 -> String.valueOf((char) ('a' + random.nextInt(3)));
            case 1 -> "?";
            case 2 -> "\u001F";
            case 3 -> String.valueOf((char) (0x80 + random.nextInt(0x780)));
            case 4 -> String.valueOf((char) (0xE000 + random.nextInt(0x2000)));
            case 5 -> new String(Character.toChars(0x10000 + random.nextInt(0x100000)));
            case 6 -> String.valueOf((char) (0xD800 + random.nextInt(0x400)));
            case 7 -> String.valueOf((char) (0xDC00 + random.nextInt(0x400)));
            default -> String.valueOf((char) (0x800 + random.nextInt(0xD000)));
        };
    }
}
