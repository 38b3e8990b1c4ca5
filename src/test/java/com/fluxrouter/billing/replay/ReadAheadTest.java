package com.fluxrouter.billing.replay;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.reflect.UndeclaredThrowableException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReadAheadTest {
    @TempDir
    Path dir;

    @Test
    void everyNonBlankLineComesInFileOrderAcrossBatches() throws IOException {
        // More lines than fit in the queue, with blank and whitespace-only lines between them.
        int lines = ReadAhead.BATCH * ReadAhead.BATCHES * 2 + 7;
        List<String> written = new ArrayList<>();
        for (int i = 0; i < lines; i++) {
            written.add("line " + i);
            if (i % 1000 == 0) {
                written.add(i % 2000 == 0 ? "" : " \t ");
            }
        }
        Path file = write(written);

        List<String> read = readAll(file, line -> line);

        assertThat(read).containsExactlyElementsOf(IntStream.range(0, lines).mapToObj(i -> "line " + i).toList());
    }

    @Test
    void linesAreParsedOnAThreadOtherThanTheCallers() throws IOException {
        Set<String> parsers = ConcurrentHashMap.newKeySet();
        readAll(write(List.of("a", "b")), line -> {
            parsers.add(Thread.currentThread().getName());
            return line;
        });

        assertThat(parsers).containsExactly("replay-read-ahead").doesNotContain(Thread.currentThread().getName());
    }

    @Test
    void aParseFailureComesAfterEveryItemBeforeItAsThrown() throws IOException {
        int failing = ReadAhead.BATCH + 10;
        Path file = write(IntStream.range(0, failing + 50).mapToObj(i -> "line " + i).toList());
        IllegalArgumentException thrown = new IllegalArgumentException("line " + failing + " is bad");
        List<String> read = new ArrayList<>();

        try (ReadAhead<String> ahead = new ReadAhead<>(file, line -> {
            if (line.equals("line " + failing)) {
                throw thrown;
            }
            return line;
        })) {
            assertThatThrownBy(() -> {
                for (List<String> batch = ahead.next(); batch != null; batch = ahead.next()) {
                    read.addAll(batch);
                }
            }).isSameAs(thrown);
            assertThat(ahead.next()).as("after the failure").isNull();
        }

        assertThat(read).containsExactlyElementsOf(IntStream.range(0, failing).mapToObj(i -> "line " + i).toList());
    }

    @Test
    void aFileThatCannotBeReadFailsTheFirstNext() {
        try (ReadAhead<String> ahead = new ReadAhead<>(dir.resolve("missing.jsonl"), line -> line)) {
            assertThatThrownBy(ahead::next).isInstanceOf(NoSuchFileException.class)
                    .hasMessageContaining("missing.jsonl");
        }
    }

    @Test
    // A close that does not stop the reader waits for it forever; the test runs on a thread of its own, so that
    // JUnit fails it then rather than wait too (a close that swallows interrupts would hold its own thread).
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void closingBeforeTheEndStopsTheReader() throws IOException {
        // The reader fills the queue and waits; close must end it rather than leave it waiting.
        Path file = write(IntStream.range(0, ReadAhead.BATCH * (ReadAhead.BATCHES + 4)).mapToObj(i -> "x").toList());
        ReadAhead<String> closed;
        try (ReadAhead<String> ahead = new ReadAhead<>(file, line -> line)) {
            assertThat(ahead.next()).hasSize(ReadAhead.BATCH);
            closed = ahead;
        }

        assertThat(readers()).as("reader threads still alive").isEmpty();
        assertThat(closed.next()).as("after close").isNull();
    }

    @Test
    // A reader that dies without its end leaves next() waiting forever; the test runs on a thread of its own, so that
    // JUnit fails it then rather than wait too (a close that swallows interrupts would hold its own thread).
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void anErrorOfTheParseComesToTheCallerAsThrown() throws IOException {
        Path file = write(List.of("a", "b", "c"));
        StackOverflowError thrown = new StackOverflowError("deep");
        try (ReadAhead<String> ahead = new ReadAhead<>(file, line -> {
            if (line.equals("b")) {
                throw thrown;
            }
            return line;
        })) {
            assertThat(ahead.next()).containsExactly("a");
            assertThatThrownBy(ahead::next).isSameAs(thrown);
        }
    }

    @Test
    // A reader that dies without its end leaves next() waiting forever; the test runs on a thread of its own, so that
    // JUnit fails it then rather than wait too (a close that swallows interrupts would hold its own thread).
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aCheckedExceptionThrownUndeclaredByTheParseFailsTheCallerToo() throws IOException {
        Path file = write(List.of("a"));
        Exception thrown = new Exception("undeclared");
        try (ReadAhead<String> ahead = new ReadAhead<>(file, line -> ReadAheadTest.<RuntimeException>sneaky(thrown))) {
            assertThatThrownBy(ahead::next).isInstanceOf(UndeclaredThrowableException.class).hasCause(thrown);
        }
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void theReaderParsesNoMoreThanTheQueueHoldsAheadOfTheCaller() throws Exception {
        int lines = ReadAhead.BATCH * (ReadAhead.BATCHES + 10);
        Path file = write(IntStream.range(0, lines).mapToObj(i -> "x").toList());
        AtomicInteger parsed = new AtomicInteger();
        try (ReadAhead<String> ahead = new ReadAhead<>(file, line -> {
            parsed.incrementAndGet();
            return line;
        })) {
            // Nothing taken: the reader fills the queue, then one batch more that it cannot put, and waits there.
            int held = ReadAhead.BATCH * (ReadAhead.BATCHES + 1);
            while (parsed.get() < held) {
                Thread.sleep(10);
            }
            Thread.sleep(500);
            assertThat(parsed.get()).as("lines parsed ahead of a caller that took nothing").isEqualTo(held);
        }
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aCallerInterruptedWhileWaitingGetsAnInterruptedIOExceptionAndKeepsTheInterrupt() throws IOException {
        Path file = write(List.of("a"));
        CountDownLatch release = new CountDownLatch(1);
        try (ReadAhead<String> ahead = new ReadAhead<>(file, line -> {
            try {
                release.await();
            } catch (InterruptedException closed) {
                Thread.currentThread().interrupt();
            }
            return line;
        })) {
            Thread.currentThread().interrupt();
            assertThatThrownBy(ahead::next).isInstanceOf(InterruptedIOException.class);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(readers()).as("reader threads still alive").isEmpty();
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> String sneaky(Throwable thrown) throws E {
        throw (E) thrown;
    }

    private static Set<Thread> readers() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("replay-read-ahead"))
                .collect(Collectors.toSet());
    }

    private static <T> List<T> readAll(Path file, Function<String, T> parse) throws IOException {
        List<T> read = new ArrayList<>();
        try (ReadAhead<T> ahead = new ReadAhead<>(file, parse)) {
            for (List<T> batch = ahead.next(); batch != null; batch = ahead.next()) {
                assertThat(batch).hasSizeLessThanOrEqualTo(ReadAhead.BATCH);
                read.addAll(batch);
            }
        }
        return read;
    }

    private Path write(List<String> lines) throws IOException {
        return Files.write(dir.resolve("in.jsonl"), lines, StandardCharsets.UTF_8);
    }
}
