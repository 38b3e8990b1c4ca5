package com.fluxrouter.billing.bench;

import com.fluxrouter.billing.traffic.RequestFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Latency of {@code GET /accounts/{account}/status} while the pipeline is under load: one client thread asks the
 * running instance's API at a fixed rate, for accounts drawn uniformly from those the workload bills. Open loop: each
 * request has its scheduled instant and its latency is measured from that instant, so a slow answer delays the next
 * requests and they count the wait (no coordinated omission). Answers (200, and 404 for an account without a status
 * yet) are the latency samples; 503s and requests without an answer are counted apart.
 */
final class StatusProbe implements AutoCloseable {
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String apiAddress;
    private final int accounts;
    private final double rate;
    private final Random random;
    private final AtomicBoolean stop = new AtomicBoolean();
    /** Latencies of the answers in microseconds: an answer on this machine takes about a millisecond. */
    private final List<Long> answeredMicros = new ArrayList<>();
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
     * @param failed      no answer within 10 s, or another status code
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
            String account = RequestFactory.account(random.nextInt(accounts));
            int code = get(account);
            if (scheduled >= countFromNanos) {
                record(code, System.nanoTime() - scheduled);
            }
        }
    }

    private int get(String account) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(apiAddress + "/accounts/" + account + "/status"))
                .timeout(Duration.ofSeconds(10)).build();
        try {
            return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
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

    /** Stops asking and returns what was measured. */
    Result finish() throws InterruptedException {
        close();
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
