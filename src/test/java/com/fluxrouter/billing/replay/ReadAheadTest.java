package com.fluxrouter.billing.replay;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
    @Timeout(30) // a close that does not stop the reader waits for it forever
    void closingBeforeTheEndStopsTheReader() throws IOException {
        // The reader fills the queue and waits; close must end it rather than leave it waiting.
        Path file = write(IntStream.range(0, ReadAhead.BATCH * (ReadAhead.BATCHES + 4)).mapToObj(i -> "x").toList());
        try (ReadAhead<String> ahead = new ReadAhead<>(file, line -> line)) {
            assertThat(ahead.next()).hasSize(ReadAhead.BATCH);
        }

        assertThat(readers()).as("reader threads still alive").isEmpty();
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
