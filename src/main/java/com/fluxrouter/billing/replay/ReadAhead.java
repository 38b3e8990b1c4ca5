package com.fluxrouter.billing.replay;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.reflect.UndeclaredThrowableException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Function;

/**
 * The non-blank lines of one file, read and parsed on a thread of its own while the caller handles what was parsed
 * before them: replay's driver parses its input while the meter works. Items come to the caller in file order, in
 * batches of up to {@value #BATCH}; at most {@value #BATCHES} batches wait, so memory stays bounded whatever the
 * file's size. A failure of the reading or of the parsing comes to the caller after every item before it, so the
 * caller sees what it would have seen reading on its own thread.
 *
 * <p>The parse function runs on the reader thread only; the caller must not touch what it uses until {@link #close}
 * has returned (which waits for the reader), unless that is safe to share between threads (InputFiles' serdes, Jackson's
 * mapper). One caller thread iterates. A reader left unclosed waits forever (a daemon thread, its file open) once the
 * queue is full: always close, as try-with-resources does.
 *
 * @param <T> what a line is parsed into
 */
final class ReadAhead<T> implements AutoCloseable {
    static final int BATCH = 1024;
    static final int BATCHES = 16;

    private static final Object END = new Object();

    /** What stopped the reader: thrown to the caller where the file's items end. */
    private record Failure(Throwable cause) {
    }

    private final Path file;
    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(BATCHES);
    private final Thread reader;
    private boolean ended;

    /** Starts reading {@code file} (UTF-8), each non-blank line through {@code parse}. */
    ReadAhead(Path file, Function<String, T> parse) {
        this.file = file;
        this.reader = new Thread(() -> read(parse), "replay-read-ahead");
        reader.setDaemon(true);
        reader.start();
    }

    private void read(Function<String, T> parse) {
        List<T> batch = new ArrayList<>(BATCH);
        Object last = END;
        try {
            try (BufferedReader lines = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (line.isBlank()) {
                        continue;
                    }
                    batch.add(parse.apply(line));
                    if (batch.size() == BATCH) {
                        queue.put(batch);
                        batch = new ArrayList<>(BATCH);
                    }
                }
            } catch (InterruptedException closed) {
                return; // The caller closed before the end: nobody takes what is left.
            } catch (Throwable failed) {
                // Whatever stopped the reader (a checked exception thrown undeclared too) ends the caller's items:
                // a reader that died without putting its end would leave the caller waiting in next() forever.
                last = new Failure(failed);
            }
            if (!batch.isEmpty()) {
                queue.put(batch);
            }
            queue.put(last);
        } catch (InterruptedException closed) {
            // The caller closed before the end: nobody takes what is left.
        }
    }

    /**
     * The next batch, in file order; null after the last, after a failure was thrown, and after {@link #close}.
     *
     * @throws IOException          when the file could not be read there (or the wait for the reader was interrupted:
     *                              {@link InterruptedIOException}, the interrupt kept)
     * @throws RuntimeException     what the parse function threw there, as thrown
     * @throws Error                what the parse function threw there, as thrown
     * @throws java.lang.reflect.UndeclaredThrowableException around a checked exception other than an IOException
     *                              that the parse function threw undeclared
     */
    @SuppressWarnings("unchecked")
    List<T> next() throws IOException {
        if (ended) {
            return null;
        }
        Object item;
        try {
            item = queue.take();
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading " + file);
        }
        if (item == END) {
            ended = true;
            return null;
        }
        if (item instanceof Failure failure) {
            ended = true;
            if (failure.cause() instanceof IOException io) {
                throw io;
            }
            if (failure.cause() instanceof Error error) {
                throw error;
            }
            if (failure.cause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new UndeclaredThrowableException(failure.cause(), "reading " + file);
        }
        return (List<T>) item;
    }

    /** Stops the reader if it has not finished, and waits for it; {@link #next} then returns null. */
    @Override
    public void close() {
        ended = true;
        reader.interrupt();
        boolean interrupted = false;
        while (reader.isAlive()) {
            try {
                reader.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
