package com.fluxrouter.billing.chaos;

import com.fluxrouter.billing.errors.Reason;
import com.fluxrouter.billing.metering.BillingCalendar;
import com.fluxrouter.billing.schema.AccountPlan;
import com.fluxrouter.billing.schema.RoutedRequest;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.topology.Topics;
import com.fluxrouter.billing.traffic.RequestFactory;
import com.fluxrouter.billing.traffic.TokenSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;

/**
 * The traffic of one scenario, decided up front from the seed: what is produced in which order, and what the
 * outputs must then be.
 *
 * <p>Time: every valid request completes in the past, between {@link #DATA_SPAN} ago and the end of the latest
 * calendar month that closed (end + 24 h grace, in every plan zone) at least a day ago, so the traffic crosses one
 * or two month boundaries (months close by event time while traffic flows) and every month it touches can close
 * (the rest by the wall clock of quiet partitions at the end). The pipeline under test runs with a 70-day
 * deduplication window so that nothing valid is ever TOO_LATE, even against the wall clock.
 *
 * <p>Order: request {@code i} completes at about {@code start + span * i / n}, give or take two hours (out of order
 * everywhere); one record in a hundred is invalid, of every kind in turn; a share of valid requests is sent again
 * (1 %, or 10 % for producer retries), most within a few hundred records, some at the very end; the late scenario
 * delays 10 % by half a day to five days of event time and holds 1 % back until every month has closed.
 */
final class Workload {
    static final Duration DATA_SPAN = Duration.ofDays(65);
    /** The pipeline's deduplication window in these runs: longer than {@link #DATA_SPAN} plus the run. */
    static final Duration DEDUP_WINDOW = Duration.ofDays(70);
    private static final Duration JITTER = Duration.ofHours(2);
    private static final Reason[] INVALID_KINDS = {Reason.MALFORMED, Reason.MISSING_ID, Reason.KEY_MISMATCH,
            Reason.INVALID_TOKENS, Reason.FUTURE_TIMESTAMP, Reason.INVALID_TIMESTAMP, Reason.UNKNOWN_MODEL, Reason.TOO_LATE};

    enum Kind { VALID, COPY, INVALID }

    /** One record to produce; {@code index} is the valid request's index (for copies too), -1 for invalid ones. */
    record Send(double order, Kind kind, int index, byte[] key, byte[] value) {
    }

    final List<AccountPlan> plans;
    final List<Send> sends = new ArrayList<>();
    /** Sent only after every month of {@link #sends} closed (late scenario), in this order. */
    final List<Send> stragglers = new ArrayList<>();
    final Map<String, Integer> validIndex = new HashMap<>();
    final Expectation.Priced[] priced;
    /** Invalid records by their value bytes, with the reason each must be rejected for. */
    final Map<ByteBuffer, Reason> invalid = new HashMap<>();
    /** What every account-month's invoice sets must add up to; set once generated. */
    Map<String, MonthFigures> expected;
    /** The oracle's side: also what each account's spend status must say at an instant, once generated. */
    Expectation expectation;
    /** The account-months of the requests in {@link #sends}. */
    final Set<String> firstPhaseMonths = new HashSet<>();
    final Instant firstCompleted;
    final Instant lastCompleted;
    int copies;
    int delayed;

    private Workload(List<AccountPlan> plans, int requests, Instant first, Instant last) {
        this.plans = plans;
        this.priced = new Expectation.Priced[requests];
        this.firstCompleted = first;
        this.lastCompleted = last;
    }

    static Workload generate(Scenario scenario, Size size, long seed, TokenSource tokens, Instant now, Serdes serdes) {
        Random random = new Random(seed * 31 + scenario.ordinal());
        YearMonth closed = YearMonth.from(now.atZone(ZoneOffset.UTC));
        while (BillingCalendar.end(closed, ZoneOffset.UTC) + Duration.ofDays(2).toMillis() > now.toEpochMilli()) {
            closed = closed.minusMonths(1);
        }
        long start = now.minus(DATA_SPAN).toEpochMilli();
        long end = BillingCalendar.end(closed, ZoneOffset.UTC) - Duration.ofDays(1).toMillis();
        long span = end - start;
        int n = size.requests();
        Workload workload = new Workload(ChaosPlans.forAccounts(size.accounts()), n, Instant.ofEpochMilli(start),
                Instant.ofEpochMilli(end - 1));
        Expectation expectation = new Expectation(workload.plans);
        workload.expectation = expectation;
        RequestFactory factory = new RequestFactory(seed, tokens, size.accounts(), "chaos-" + scenario.cliName() + "-" + seed);
        Function<String, byte[]> key = account -> serdes.string().serializer().serialize(Topics.ROUTED, account);
        Function<RoutedRequest, byte[]> value = request -> serdes.avro(RoutedRequest.class).serializer().serialize(Topics.ROUTED, request);
        double resendShare = resendShare(scenario);
        double perDay = n / (span / (double) Duration.ofDays(1).toMillis());

        for (int i = 0; i < n; i++) {
            long jitter = (long) ((random.nextDouble() * 2 - 1) * JITTER.toMillis());
            long at = Math.max(start, Math.min(end - 1, start + span / n * i + jitter));
            RoutedRequest request = factory.next(Instant.ofEpochMilli(at));
            Send send = new Send(i, Kind.VALID, i, key.apply(request.getAccountId()), value.apply(request));
            workload.validIndex.put(request.getRequestId(), i);
            workload.priced[i] = expectation.add(request);

            List<Send> target = workload.sends;
            double order = i;
            if (scenario == Scenario.LATE_DATA && random.nextInt(100) == 0) {
                target = workload.stragglers;
            } else if (scenario == Scenario.LATE_DATA && random.nextInt(10) == 0) {
                order = i + (0.5 + random.nextDouble() * 4.5) * perDay;
                workload.delayed++;
            }
            if (target == workload.sends) {
                workload.firstPhaseMonths.add(workload.priced[i].accountMonth());
            }
            target.add(new Send(order, Kind.VALID, i, send.key(), send.value()));
            if (random.nextDouble() < resendShare) {
                int later = random.nextInt(4) == 0 ? 1 + random.nextInt(n - i + n / 10) : 1 + random.nextInt(200);
                target.add(new Send(order + later + 0.25, Kind.COPY, i, send.key(), send.value()));
                workload.copies++;
            }
            if (i % 100 == 50) {
                Reason reason = INVALID_KINDS[(i / 100) % INVALID_KINDS.length];
                if (reason == Reason.TOO_LATE && i < n / 10) {
                    reason = Reason.MALFORMED; // TOO_LATE needs a billing clock, set by earlier accepted requests
                }
                workload.sends.add(workload.invalid(reason, i, request, now, Instant.ofEpochMilli(start), random, key, value));
            }
        }
        workload.sends.sort(Comparator.comparingDouble(Send::order));
        workload.stragglers.sort(Comparator.comparingDouble(Send::order));
        workload.expected = expectation.settled();
        return workload;
    }

    /**
     * The share of requests sent twice: 10 % where resending is the fault (the misrouted producer's copies go the
     * right way, so a request arrives on both paths), 1 % elsewhere.
     */
    static double resendShare(Scenario scenario) {
        return scenario == Scenario.PRODUCER_RETRIES || scenario == Scenario.MISROUTED_PRODUCER ? 0.10 : 0.01;
    }

    private Send invalid(Reason reason, int i, RoutedRequest like, Instant now, Instant start, Random random,
                         Function<String, byte[]> key, Function<RoutedRequest, byte[]> value) {
        RoutedRequest.Builder bad = RoutedRequest.newBuilder(like).setRequestId("bad-" + i).setRequestedModel("bad-" + i);
        byte[] keyBytes = key.apply(like.getAccountId());
        byte[] valueBytes;
        switch (reason) {
            case MALFORMED -> {
                // Text, then noise: never the single-object marker (0xC3 0x01) an Avro record starts with.
                byte[] text = ("not avro " + i + " ").getBytes(StandardCharsets.US_ASCII);
                byte[] noise = new byte[16 + random.nextInt(48)];
                random.nextBytes(noise);
                valueBytes = ByteBuffer.allocate(text.length + noise.length).put(text).put(noise).array();
            }
            case MISSING_ID -> valueBytes = value.apply(bad.setRequestId("").build());
            case KEY_MISMATCH -> {
                keyBytes = key.apply(like.getAccountId() + "-other");
                valueBytes = value.apply(bad.build());
            }
            case INVALID_TOKENS -> valueBytes = value.apply(bad.setInputTokens(-1 - random.nextInt(1000)).build());
            case FUTURE_TIMESTAMP -> valueBytes = value.apply(bad.setCompletedAt(now.plus(Duration.ofDays(2))).build());
            case INVALID_TIMESTAMP -> valueBytes = value.apply(bad.setCompletedAt(Instant.parse("2019-06-01T00:00:00Z")).build());
            case UNKNOWN_MODEL -> valueBytes = value.apply(bad.setServedModel("no-such-model").setLane(null).build());
            case TOO_LATE -> {
                // The busiest account: its partition's clock is set long before, so this is older than the window.
                bad.setAccountId(RequestFactory.account(0)).setCompletedAt(start.minus(DEDUP_WINDOW).minus(Duration.ofDays(10)));
                keyBytes = key.apply(RequestFactory.account(0));
                valueBytes = value.apply(bad.build());
            }
            default -> throw new IllegalArgumentException("no invalid record of kind " + reason);
        }
        invalid.put(ByteBuffer.wrap(valueBytes), reason);
        return new Send(i + 0.5, Kind.INVALID, -1, keyBytes, valueBytes);
    }

    int validRequests() {
        return priced.length;
    }

    /** All records this workload produces. */
    int records() {
        return sends.size() + stragglers.size();
    }
}
