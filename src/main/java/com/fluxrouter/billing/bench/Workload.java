package com.fluxrouter.billing.bench;

import com.fluxrouter.billing.schema.RoutedRequest;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.topology.Topics;
import com.fluxrouter.billing.traffic.RequestFactory;
import com.fluxrouter.billing.traffic.TokenSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

/**
 * Routed requests for the bench, encoded as the router fleet sends them. Tokens, models and asks follow the
 * {@link RequestFactory} rule (token counts from the built-in Azure fits or a trace CSV). Accounts either follow its
 * skewed rule (a few accounts carry most traffic: real traffic, for throughput and latency) or are spread evenly, so
 * that {@code n} requests over {@code a} accounts touch exactly min(n, a) of them (the scaling runs).
 */
final class Workload {
    enum Spread { SKEWED, EVEN }

    /** Coprime with every power of ten, so request n -> account (n * STRIDE) mod a visits every account. */
    private static final long STRIDE = 7_919;

    private final RequestFactory factory;
    private final Spread spread;
    private final int accounts;
    private final Serdes serdes;
    private long sequence;

    Workload(long seed, Path trace, int accounts, Spread spread, String runId, Serdes serdes) {
        this.factory = new RequestFactory(seed, tokens(seed, trace), accounts, runId);
        this.spread = spread;
        this.accounts = accounts;
        this.serdes = serdes;
    }

    private static TokenSource tokens(long seed, Path trace) {
        try {
            return trace == null ? TokenSource.builtIn(new Random(seed)) : TokenSource.trace(trace);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    RoutedRequest next(Instant completedAt) {
        RoutedRequest request = factory.next(completedAt);
        if (spread == Spread.EVEN) {
            request.setAccountId(RequestFactory.account((int) (sequence * STRIDE % accounts)));
        }
        sequence++;
        return request;
    }

    byte[] key(RoutedRequest request) {
        return serdes.string().serializer().serialize(Topics.ROUTED, request.getAccountId());
    }

    byte[] value(RoutedRequest request) {
        return serdes.avro(RoutedRequest.class).serializer().serialize(Topics.ROUTED, request);
    }

    /** {@code count} requests completed at {@code at}, encoded, held in memory so producing them costs no generation. */
    Encoded encode(int count, Instant at) {
        return encode(count, at, at);
    }

    /**
     * {@code count} requests completed from {@code from} to {@code to}, evenly spaced in production order (so each
     * partition's billing clock moves with them), encoded and held in memory.
     */
    Encoded encode(int count, Instant from, Instant to) {
        byte[][] keys = new byte[count][];
        byte[][] values = new byte[count][];
        Set<String> distinct = new HashSet<>();
        long spanMs = to.toEpochMilli() - from.toEpochMilli();
        for (int i = 0; i < count; i++) {
            RoutedRequest request = next(count == 1 ? from : from.plusMillis(spanMs * i / (count - 1)));
            distinct.add(request.getAccountId());
            keys[i] = key(request);
            values[i] = value(request);
        }
        return new Encoded(keys, values, distinct.size());
    }

    /** Encoded requests and how many distinct accounts they touch. */
    record Encoded(byte[][] keys, byte[][] values, int accounts) {
        int size() {
            return keys.length;
        }
    }
}
