package com.fluxrouter.billing;

import com.fluxrouter.billing.oracle.BillingOracle;
import com.fluxrouter.billing.oracle.OracleOutputs;
import com.fluxrouter.billing.oracle.OracleRecords;
import com.fluxrouter.billing.schema.AccountPlan;
import com.fluxrouter.billing.schema.InvoiceLine;
import com.fluxrouter.billing.schema.LaneRate;
import com.fluxrouter.billing.schema.ModelLane;
import com.fluxrouter.billing.schema.OverageUpdate;
import com.fluxrouter.billing.schema.PricedRequest;
import com.fluxrouter.billing.schema.RejectedRecord;
import com.fluxrouter.billing.schema.RoutedRequest;
import com.fluxrouter.billing.schema.SpendAlert;
import com.fluxrouter.billing.schema.SpendStatus;
import com.fluxrouter.billing.config.BillingConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property: on seeded random traffic the pipeline produces exactly what the billing rules' independent oracle
 * ({@link BillingOracle}, written from docs/billing-rules.md and the spend-status rules without the production
 * billing classes) demands: the same priced requests (month, lane, cost, rate version), the same rejections, per
 * account-month the same invoice lines in order, overage updates and spend alerts, and per account the same spend
 * statuses in order (values, reasons, as_of) and the same latest status. The traffic varies what the money depends
 * on: random plan timelines per account (upgrades, downgrades, ceilings, Free plans, accounts starting mid-traffic),
 * plan changes published while traffic flows (upgrades in force at once with no request after them, versions
 * scheduled ahead, caps added mid-month), billing zone changes (UTC-10, UTC+13, UTC+14 and DST zones), lane rate
 * changes, duplicates (some with other content), late requests for closed months, requests older than the
 * deduplication window, and quiet stretches in which the partition's billing clock follows the wall clock.
 *
 * <p>The wall clock follows the traffic, so quiet stretches happen mid-traffic as they do live: every record is
 * produced at the wall clock (its record timestamp), the partition counts as quiet after a day without a request
 * moving its clock ({@code flux.billing.idle-close-after} P1D), and the wall-clock check runs at every advance
 * ({@code flux.billing.close-check-interval} 1 ms), so the oracle knows exactly when the billing clock followed the
 * wall clock. Zones change only eastwards, at midnight of a month's start in the new zone (see {@link #ZONES}).
 */
class RandomTrafficPropertyTest extends PipelineTest {
    private static final int REQUESTS = 300;
    private static final int ACCOUNTS = 6;
    private static final Instant TRAFFIC_START = Instant.parse("2026-06-01T00:00:00Z");
    /** The end of the span in which versions and rates take effect; the traffic runs on into October. */
    private static final Instant TRAFFIC_END = Instant.parse("2026-09-01T00:00:00Z");
    private static final Instant WALL_START = TRAFFIC_START.minus(Duration.ofDays(1));
    private static final Duration IDLE = Duration.ofDays(1);
    /**
     * Billing zones from west to east: UTC-10, New York (DST), none (UTC), Berlin (DST), UTC+5:30, UTC+13, UTC+14.
     * Zones change only eastwards and at midnight of the new zone's month start: where a month's account-month keeps
     * another zone than the plan's (rule 5), the status rules' PERIOD deadline (at period_end) is not when the billing
     * month ends, which the spec leaves open (reported to the lead; an eastward change at the new zone's midnight
     * starts the new month by its EFFECT deadline, which both readings agree on).
     */
    private static final String[] ZONES = {"Pacific/Honolulu", "America/New_York", null, "Europe/Berlin",
            "Asia/Kolkata", "Pacific/Tongatapu", "Pacific/Kiritimati"};
    private static final int UTC = 2;
    private static final Instant LONG_AGO = Instant.parse("2020-01-01T00:00:00Z");

    private BillingOracle oracle;
    /** Each account's zone over time (indices into {@link #ZONES}): every version carries the zone then. */
    private final Map<String, TreeMap<Instant, Integer>> zoneTimelines = new java.util.HashMap<>();
    /** The driver's wall clock, which is also every record's timestamp. */
    private Instant wall;

    @Override
    protected Instant wallClockStart() {
        return WALL_START;
    }

    @Override
    protected BillingConfig config() {
        return super.config().with(BillingConfig.IDLE_CLOSE_AFTER, IDLE.toString())
                .with(BillingConfig.CLOSE_CHECK_INTERVAL, "PT0.001S");
    }

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 20);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void pipelineAgreesWithTheRulesOracle(long seed) {
        Random random = new Random(seed);
        wall = WALL_START;
        oracle = new BillingOracle(WALL_START, Duration.ofDays(35), Duration.ofHours(24)).withIdleCloseAfter(IDLE)
                .withPublishedRates();
        List<ModelLane> catalog = com.fluxrouter.billing.catalog.PublishedPriceList.models(); // input records
        catalog.forEach(m -> oracle.publishModel(m.getModelId(), m.getLane()));
        publishRandomRates(random);
        List<String> accounts = publishRandomPlans(random);

        List<String> models = catalog.stream().map(ModelLane::getModelId).toList();
        List<RoutedRequest> recent = new ArrayList<>();
        int sequence = 0;
        int late = 0;
        int planChanges = 0;
        long at = TRAFFIC_START.toEpochMilli() + random.nextLong(Duration.ofHours(6).toMillis());
        for (int i = 0; i < REQUESTS; i++) {
            if (random.nextInt(100) < 2) {
                // a quiet stretch of 1 to 12 days: the billing clock follows the wall clock, once or twice (never
                // over two month ends of an account: over a longer one the pipeline emits one status, that of the
                // period the clock lands in (rule 12's reading, so a 1,000-year close does not compute 12,000
                // periods per account), where the oracle gives one per period)
                long gap = IDLE.toMillis() + 1 + random.nextLong(Duration.ofDays(11).toMillis());
                long first = wall.toEpochMilli() + IDLE.toMillis() + random.nextLong(gap - IDLE.toMillis());
                advanceTo(Instant.ofEpochMilli(Math.min(first, at + gap - 2_000)));
                at += gap;
            }
            beforeRequestAt(Instant.ofEpochMilli(at));
            if (random.nextInt(100) < 5) {
                publishPlanChange(random, accounts, planChanges++);
            }
            RoutedRequest request = randomRequest(random, accounts, models, at, "s" + seed + "-r" + sequence++);
            sendToBoth(request);
            recent.add(request);
            if (random.nextInt(100) < 6) {
                // a burst: the same account a few seconds apart, within flux.billing.status-interval (10 s), so its
                // usage changes are held back and flushed by the STATUS deadline
                for (int b = 1 + random.nextInt(3); b > 0; b--) {
                    at += 1 + random.nextInt(8_000);
                    beforeRequestAt(Instant.ofEpochMilli(at));
                    sendToBoth(RoutedRequest.newBuilder(randomRequest(random, accounts, models, at,
                            "s" + seed + "-r" + sequence++)).setAccountId(request.getAccountId()).build());
                }
            }
            if (random.nextInt(100) < 5) {
                // a router retry, sometimes with other content: never priced again
                RoutedRequest original = recent.get(Math.max(0, recent.size() - 1 - random.nextInt(20)));
                sendToBoth(random.nextBoolean() ? original
                        : RoutedRequest.newBuilder(original).setInputTokens(original.getInputTokens() + 1).build());
            }
            if (random.nextInt(100) < 8) {
                // late data: up to 50 days behind, so some land in closed months and some are TOO_LATE
                long lateAt = at - Duration.ofHours(1).toMillis() - random.nextLong(Duration.ofDays(50).toMillis());
                RoutedRequest first = randomRequest(random, accounts, models, lateAt, "s" + seed + "-late" + sequence++);
                sendToBoth(first);
                late++;
                if (random.nextInt(100) < 40) {
                    // a backlog: more late requests of the same account a few minutes apart, within one
                    // supplemental window (rule 11 gathers them into one set)
                    for (int b = 1 + random.nextInt(4); b > 0; b--) {
                        lateAt += Duration.ofMinutes(1 + random.nextInt(5)).toMillis();
                        sendToBoth(RoutedRequest.newBuilder(randomRequest(random, accounts, models, lateAt,
                                "s" + seed + "-late" + sequence++)).setAccountId(first.getAccountId()).build());
                        late++;
                    }
                }
            }
            at += 1 + random.nextLong(Duration.ofHours(14).toMillis());
        }
        // Sentinel: the quiet partition's clock follows the wall clock ten days at a time until every month has
        // closed and every pending set is out.
        for (int step = 0; step < 5; step++) {
            advanceTo(wall.plus(Duration.ofDays(10)));
        }

        assertThat(late).as("the generator made late requests").isPositive();
        checkOutcomes();
        checkPerKey(invoiceLines(), oracle.lines(), l -> l.getAccountId() + "/" + l.getBillingMonth(),
                l -> l.account() + "/" + l.month(), OracleRecords::describe, OracleRecords::describe, "invoice lines");
        checkPerKey(overage(), oracle.overageUpdates(), u -> u.getAccountId() + "/" + u.getBillingMonth(),
                u -> u.account() + "/" + u.month(), OracleRecords::describe, OracleRecords::describe,
                "overage updates");
        checkPerKey(alerts(), oracle.alerts(), a -> a.getAccountId() + "/" + a.getBillingMonth(),
                a -> a.account() + "/" + a.month(), OracleRecords::describe, OracleRecords::describe, "alerts");
        checkStatuses();
        assertThat(oracle.lines()).as("late requests made supplemental sets").anyMatch(OracleOutputs.Line::supplemental);
    }

    /**
     * Every spend status, per account in order, equals what the rules give at its as_of (values and reason), and
     * each account's latest status, what a fleet instance materialising the topic holds, is the oracle's.
     */
    private void checkStatuses() {
        List<SpendStatus> actual = statuses();
        checkPerKey(actual, oracle.statuses(), SpendStatus::getAccountId, OracleOutputs.Status::account,
                OracleRecords::describe, OracleRecords::describe, "spend statuses");
        Map<String, String> latest = new java.util.TreeMap<>();
        actual.forEach(s -> latest.put(s.getAccountId(), OracleRecords.describe(s)));
        Map<String, String> expected = new java.util.TreeMap<>();
        oracle.latestStatuses().forEach((account, s) -> expected.put(account, OracleRecords.describe(s)));
        assertThat(latest).as("latest status per account").isEqualTo(expected);
        assertThat(oracle.statuses()).as("statuses of a new period with no request, of plan changes")
                .anyMatch(s -> s.reason().equals("NEW_PERIOD")).anyMatch(s -> s.reason().equals("PLAN_CHANGE"));
    }

    private void checkOutcomes() {
        Map<String, OracleOutputs.Outcome> expected = oracle.outcomes();
        List<String> expectedPriced = expected.values().stream().filter(OracleOutputs.Outcome::isPriced)
                .map(o -> describe(o.priced())).toList();
        List<String> actualPriced = priced().stream().map(RandomTrafficPropertyTest::describe).toList();
        assertThat(actualPriced).as("priced requests, in order").containsExactlyElementsOf(expectedPriced);

        List<String> expectedRejected = expected.values().stream().filter(o -> !o.isPriced())
                .map(o -> o.requestId() + " " + o.verdict()).toList();
        List<String> actualRejected = rejected().stream().map(this::describe).toList();
        assertThat(actualRejected).as("rejections, in order").containsExactlyElementsOf(expectedRejected);
    }

    private static String describe(OracleOutputs.Priced p) {
        return String.join(" ", p.requestId(), p.month(), p.lane(), p.costUsd().stripTrailingZeros().toPlainString(),
                p.rateEffectiveFrom().toString());
    }

    private static String describe(PricedRequest p) {
        return String.join(" ", p.getRequestId(), p.getBillingMonth(), p.getLane(),
                p.getCostUsd().stripTrailingZeros().toPlainString(), p.getRateEffectiveFrom().toString());
    }

    private String describe(RejectedRecord r) {
        ByteBuffer value = r.getOriginalValue().duplicate();
        byte[] bytes = new byte[value.remaining()];
        value.get(bytes);
        RoutedRequest request = serdes.avro(RoutedRequest.class).deserializer().deserialize("t", bytes);
        return request.getRequestId() + " " + r.getReason();
    }

    /** Per key (an account-month, an account), the actual records equal the expected ones, in order. */
    private static <A, E> void checkPerKey(List<A> actual, List<E> expected, Function<A, String> actualKey,
                                           Function<E, String> expectedKey, Function<A, String> describeA,
                                           Function<E, String> describeE, String what) {
        Map<String, List<String>> actualByKey = actual.stream().collect(Collectors.groupingBy(actualKey,
                java.util.TreeMap::new, Collectors.mapping(describeA, Collectors.toList())));
        Map<String, List<String>> expectedByKey = expected.stream().collect(Collectors.groupingBy(expectedKey,
                java.util.TreeMap::new, Collectors.mapping(describeE, Collectors.toList())));
        assertThat(actualByKey.keySet()).as("keys with %s", what).containsExactlyElementsOf(expectedByKey.keySet());
        expectedByKey.forEach((key, records) -> assertThat(actualByKey.get(key))
                .as("%s of %s", what, key).containsExactlyElementsOf(records));
    }

    /** Produces the request now: its record timestamp is the wall clock. */
    private void sendToBoth(RoutedRequest request) {
        sendKeyed(request.getAccountId(), request, wall);
        oracle.accept(OracleRecords.request(request, wall));
    }

    /** Moves the driver's wall clock; the oracle decides, as the pipeline does, whether the partition is quiet. */
    private void advanceTo(Instant to) {
        if (!to.isAfter(wall)) {
            return;
        }
        advanceWallClock(Duration.between(wall, to));
        oracle.advanceWallClock(to);
        wall = to;
    }

    /**
     * The wall clock reaches the request's completion (a request is never from the future). Where that advance
     * finds the partition quiet, it stops a second short, so the billing clock follows the wall clock up to just
     * before the request and the request moves it on (and the partition is busy again).
     */
    private void beforeRequestAt(Instant completedAt) {
        advanceTo(oracle.quietAt(completedAt) ? completedAt.minusSeconds(1) : completedAt);
    }

    /**
     * A plan version published now for a random account, with random terms (a ceiling added to an account paying as
     * it goes among them): in force at once (from now, or a little before), or scheduled an hour to ten days ahead.
     */
    private void publishPlanChange(Random random, List<String> accounts, int change) {
        String account = accounts.get(random.nextInt(accounts.size()));
        Instant from = switch (random.nextInt(3)) {
            case 0 -> wall.minusMillis(random.nextLong(Duration.ofHours(2).toMillis()));
            case 1 -> wall.plusMillis(Duration.ofHours(1).toMillis() + random.nextLong(Duration.ofDays(10).toMillis()));
            default -> wall;
        };
        publishBoth(randomPlan(random, account, "change-" + change, from));
    }

    /** For each lane, up to two rate versions in force from random instants of the traffic span (≤ 3 decimals). */
    private void publishRandomRates(Random random) {
        for (String lane : List.of("EXPRESS", "DAILY_DRIVER", "DEEP_THOUGHT")) {
            for (int v = random.nextInt(3); v > 0; v--) {
                Instant from = randomInstant(random, TRAFFIC_START, TRAFFIC_END);
                LaneRate rate = new LaneRate(lane, dollars(random.nextInt(8_000), 3), dollars(random.nextInt(8_000), 3),
                        from);
                publishRate(rate);
                oracle.publishRate(OracleRecords.rate(rate));
            }
        }
    }

    /**
     * Accounts with random plan timelines, published before the traffic: pay as you go, versions from long ago or
     * starting mid-traffic (scheduled ahead), upgrades, downgrades, ceilings (none, above credit, equal to it: Free),
     * and billing zones that change eastwards at the start of a month in the new zone (see {@link #ZONES}).
     */
    private List<String> publishRandomPlans(Random random) {
        List<String> accounts = new ArrayList<>();
        for (int a = 0; a < ACCOUNTS; a++) {
            String account = "acct-" + a;
            accounts.add(account);
            TreeMap<Instant, Integer> zones = randomZones(random);
            zoneTimelines.put(account, zones);
            if (zones.firstKey().equals(LONG_AGO)) {
                publishBoth(randomPlan(random, account, "plan-0", LONG_AGO));
            }
            for (int v = random.nextInt(3); v > 0; v--) {
                publishBoth(randomPlan(random, account, "plan-" + v,
                        randomInstant(random, TRAFFIC_START.minus(Duration.ofDays(10)), TRAFFIC_END)));
            }
            zones.tailMap(TRAFFIC_START).keySet().forEach(from -> publishBoth(randomPlan(random, account, "zone", from)));
        }
        return accounts;
    }

    /**
     * An account's zone over time, as indices into {@link #ZONES}: from long ago (a version from 2020) any zone,
     * else UTC until its first version (rule 5); then up to two changes eastwards, each from midnight of the 1st of
     * July, August or September in the new zone.
     */
    private static TreeMap<Instant, Integer> randomZones(Random random) {
        TreeMap<Instant, Integer> zones = new TreeMap<>();
        int zone = random.nextBoolean() ? random.nextInt(ZONES.length) : UTC;
        zones.put(zone == UTC && random.nextBoolean() ? TRAFFIC_START.minus(Duration.ofDays(30)) : LONG_AGO, zone);
        int month = 7;
        for (int change = random.nextInt(3); change > 0 && zone < ZONES.length - 1 && month <= 9; change--) {
            zone += 1 + random.nextInt(ZONES.length - 1 - zone);
            month += random.nextInt(9 - month + 1);
            zones.put(YearMonth.of(2026, month).atDay(1).atStartOfDay(zoneId(zone)).toInstant(), zone);
            month++;
        }
        return zones;
    }

    private static ZoneId zoneId(int zone) {
        return ZONES[zone] == null ? ZoneOffset.UTC : ZoneId.of(ZONES[zone]);
    }

    /** A version from {@code from} with random terms, in the account's zone at that instant. */
    private AccountPlan randomPlan(Random random, String account, String name, Instant from) {
        BigDecimal credit = random.nextInt(4) == 0 ? BigDecimal.ZERO : dollars(random.nextInt(40_00), 2);
        BigDecimal ceiling = switch (random.nextInt(4)) {
            case 0 -> null;
            case 1 -> credit;
            default -> credit.add(dollars(random.nextInt(60_00), 2));
        };
        Integer zone = zoneTimelines.get(account).floorEntry(from) == null ? UTC
                : zoneTimelines.get(account).floorEntry(from).getValue();
        return new AccountPlan(account, name, credit.setScale(9), ceiling == null ? null : ceiling.setScale(9),
                ZONES[zone], from);
    }

    /** Publishes the version now, to the pipeline and the oracle. */
    private void publishBoth(AccountPlan plan) {
        publishPlan(plan, wall);
        oracle.publishPlan(OracleRecords.plan(plan), wall);
    }

    private static Instant randomInstant(Random random, Instant from, Instant to) {
        return Instant.ofEpochMilli(from.toEpochMilli() + random.nextLong(to.toEpochMilli() - from.toEpochMilli()));
    }

    private static BigDecimal dollars(long units, int scale) {
        return BigDecimal.valueOf(units, scale);
    }

    private static RoutedRequest randomRequest(Random random, List<String> accounts, List<String> models, long at,
                                               String id) {
        boolean zero = random.nextInt(100) < 3;
        long max = random.nextBoolean() ? 50_000 : 2_000_000;
        return RoutedRequest.newBuilder()
                .setRequestId(id)
                .setAccountId(accounts.get(random.nextInt(accounts.size())))
                .setRequestedModel("flux-auto")
                .setServedModel(models.get(random.nextInt(models.size())))
                .setLane(null)
                .setInputTokens(zero ? 0 : random.nextLong(max + 1))
                .setOutputTokens(zero ? 0 : random.nextLong(max + 1))
                .setCompletedAt(Instant.ofEpochMilli(at))
                .setQuotedCostUsd(null)
                .build();
    }
}
