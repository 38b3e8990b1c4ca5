package com.fluxrouter.billing.bench;

import com.fluxrouter.billing.traffic.RequestFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Latency of {@code GET /accounts/{account}/status} while the pipeline is under load: requests to the running
 * instance's API at a fixed rate, for accounts drawn uniformly from those the workload bills. Open loop: one thread
 * sends each request asynchronously at its scheduled instant, whatever the earlier ones are doing, and its latency
 * runs from that instant to the end of its answer, so slow answers neither slow the offered rate down nor hide
 * behind each other (no coordinated omission). Answers (200, and 404 for an account without a status yet) are the
 * latency samples; 503s and requests without an answer are counted apart.
 */
final class StatusProbe implements AutoCloseable {
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(10);
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String apiAddress;
    private final int accounts;
    private final double rate;
    private final Random random;
    private final AtomicBoolean stop = new AtomicBoolean();
    /** Latencies of the answers in microseconds: an answer on this machine takes about a millisecond. */
    private final List<Long> answeredMicros = new ArrayList<>();
    private final List<CompletableFuture<Void>> outstanding = new ArrayList<>();
    private long found;
    private long notFound;
    private long unavailable;
    private long failed;
    private volatile long countFromNanos = Long.MAX_VALUE;
    private Thread asker;

    /**
     * Latencies in milliseconds of the answers; counts by outcome (answers before the warm-up are not counted).
     *
     * @param found       200: the account's status
     * @param notFound    404: no status yet for the account
     * @param unavailable 503: no copy of the account's partition could answer
     * @param failed      no answer within {@link #ANSWER_WITHIN}, or another status code
     */
    record Result(LatencyProbe.Percentiles answers, long found, long notFound, long unavailable, long failed) {
    }

    /**
     * @param apiAddress the instance's API, {@code http://host:port}
     * @param accounts   the workload's accounts ({@code acct-000} ...), each asked with equal probability
     * @param rate       requests per second
     */
    StatusProbe(String apiAddress, int accounts, double rate, long seed) {
        this.apiAddress = apiAddress;
        this.accounts = accounts;
        this.rate = rate;
        this.random = new Random(seed);
    }

    /** Starts asking; answers scheduled during the first {@code warmup} are left out. */
    void start(Duration warmup) {
        long start = System.nanoTime();
        countFromNanos = start + warmup.toNanos();
        asker = new Thread(() -> ask(start), "bench-status-probe");
        asker.start();
    }

    private void ask(long start) {
        long intervalNanos = (long) (1e9 / rate);
        for (long n = 0; !stop.get(); n++) {
            long scheduled = start + n * intervalNanos;
            long wait = scheduled - System.nanoTime();
            if (wait > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(wait); // pacing of the offered requests, not synchronisation
                } catch (InterruptedException e) {
                    return;
                }
            }
            HttpRequest request = HttpRequest.newBuilder(URI.create(apiAddress + "/accounts/"
                    + RequestFactory.account(random.nextInt(accounts)) + "/status")).timeout(ANSWER_WITHIN).build();
            CompletableFuture<Void> answered = client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                    .handle((response, failure) -> {
                        if (scheduled >= countFromNanos) {
                            record(failure == null ? response.statusCode() : -1, System.nanoTime() - scheduled);
                        }
                        return null;
                    });
            synchronized (this) {
                outstanding.add(answered);
            }
        }
    }

    private synchronized void record(int code, long nanos) {
        switch (code) {
            case 200 -> found++;
            case 404 -> notFound++;
            case 503 -> unavailable++;
            default -> failed++;
        }
        if (code == 200 || code == 404) {
            answeredMicros.add(TimeUnit.NANOSECONDS.toMicros(nanos));
        }
    }

    /** Stops asking, lets the requests sent finish (each within 10 s), and returns what was measured. */
    Result finish() throws InterruptedException {
        close();
        List<CompletableFuture<Void>> sent;
        synchronized (this) {
            sent = List.copyOf(outstanding);
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
        synchronized (this) {
            return new Result(LatencyProbe.Percentiles.of(answeredMicros).scaled(1e-3), found, notFound, unavailable,
                    failed);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        if (asker != null) {
            asker.join();
        }
    }
}
