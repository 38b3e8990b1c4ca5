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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property: on seeded random traffic the pipeline produces exactly what the billing rules' independent oracle
 * ({@link BillingOracle}, written from docs/billing-rules.md without the production billing classes) demands:
 * the same priced requests (month, lane, cost, rate version), the same rejections, and per account-month the same
 * invoice lines in order, overage updates and spend alerts. The traffic varies what the money depends on: random
 * plan timelines per account (upgrades, downgrades, ceilings, Free plans, accounts starting mid-traffic), billing
 * zone changes, lane rate changes, duplicates (some with other content), late requests for closed months and
 * requests older than the deduplication window.
 */
class RandomTrafficPropertyTest extends PipelineTest {
    private static final int REQUESTS = 300;
    private static final int ACCOUNTS = 6;
    private static final Instant TRAFFIC_START = Instant.parse("2026-06-01T00:00:00Z");
    private static final Instant TRAFFIC_END = Instant.parse("2026-09-01T00:00:00Z");
    private static final String[] ZONES = {null, "UTC", "America/New_York", "Pacific/Kiritimati", "Europe/Berlin",
            "Asia/Kolkata"};

    private BillingOracle oracle;

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 20);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void pipelineAgreesWithTheRulesOracle(long seed) {
        Random random = new Random(seed);
        oracle = BillingOracle.withDefaults(WALL_CLOCK_START).withPublishedRates();
        List<ModelLane> catalog = com.fluxrouter.billing.catalog.PublishedPriceList.models(); // input records
        catalog.forEach(m -> oracle.publishModel(m.getModelId(), m.getLane()));
        publishRandomRates(random);
        List<String> accounts = publishRandomPlans(random);

        long span = TRAFFIC_END.toEpochMilli() - TRAFFIC_START.toEpochMilli();
        long[] times = LongStream.generate(() -> TRAFFIC_START.toEpochMilli() + random.nextLong(span))
                .limit(REQUESTS).sorted().toArray();
        List<String> models = catalog.stream().map(ModelLane::getModelId).toList();
        List<RoutedRequest> recent = new ArrayList<>();
        int sequence = 0;
        int late = 0;
        for (int i = 0; i < REQUESTS; i++) {
            RoutedRequest request = randomRequest(random, accounts, models, times[i], "s" + seed + "-r" + sequence++);
            sendToBoth(request);
            recent.add(request);
            if (random.nextInt(100) < 5) {
                // a router retry, sometimes with other content: never priced again
                RoutedRequest original = recent.get(Math.max(0, recent.size() - 1 - random.nextInt(20)));
                sendToBoth(random.nextBoolean() ? original
                        : RoutedRequest.newBuilder(original).setInputTokens(original.getInputTokens() + 1).build());
            }
            if (random.nextInt(100) < 8) {
                // late data: up to 50 days behind, so some land in closed months and some are TOO_LATE
                long at = times[i] - Duration.ofHours(1).toMillis() - random.nextLong(Duration.ofDays(50).toMillis());
                RoutedRequest first = randomRequest(random, accounts, models, at, "s" + seed + "-late" + sequence++);
                sendToBoth(first);
                late++;
                if (random.nextInt(100) < 40) {
                    // a backlog: more late requests of the same account a few minutes apart, within one
                    // supplemental window (rule 11 gathers them into one set)
                    for (int b = 1 + random.nextInt(4); b > 0; b--) {
                        at += Duration.ofMinutes(1 + random.nextInt(5)).toMillis();
                        sendToBoth(RoutedRequest.newBuilder(randomRequest(random, accounts, models, at,
                                "s" + seed + "-late" + sequence++)).setAccountId(first.getAccountId()).build());
                        late++;
                    }
                }
            }
        }
        // Sentinel: the quiet partition's clock follows the wall clock and closes every month.
        Duration idle = Duration.ofDays(3650);
        advanceWallClock(idle);
        oracle.advanceWallClock(WALL_CLOCK_START.plus(idle));

        assertThat(late).as("the generator made late requests").isPositive();
        checkOutcomes();
        checkPerAccountMonth(invoiceLines(), oracle.lines(), l -> l.getAccountId() + "/" + l.getBillingMonth(),
                l -> l.account() + "/" + l.month(), OracleRecords::describe, OracleRecords::describe, "invoice lines");
        checkPerAccountMonth(overage(), oracle.overageUpdates(), u -> u.getAccountId() + "/" + u.getBillingMonth(),
                u -> u.account() + "/" + u.month(), OracleRecords::describe, OracleRecords::describe,
                "overage updates");
        checkPerAccountMonth(alerts(), oracle.alerts(), a -> a.getAccountId() + "/" + a.getBillingMonth(),
                a -> a.account() + "/" + a.month(), OracleRecords::describe, OracleRecords::describe, "alerts");
        assertThat(oracle.lines()).as("late requests made supplemental sets").anyMatch(OracleOutputs.Line::supplemental);
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

    private static <A, E> void checkPerAccountMonth(List<A> actual, List<E> expected, Function<A, String> actualKey,
                                                    Function<E, String> expectedKey, Function<A, String> describeA,
                                                    Function<E, String> describeE, String what) {
        Map<String, List<String>> actualByMonth = actual.stream().collect(Collectors.groupingBy(actualKey,
                java.util.TreeMap::new, Collectors.mapping(describeA, Collectors.toList())));
        Map<String, List<String>> expectedByMonth = expected.stream().collect(Collectors.groupingBy(expectedKey,
                java.util.TreeMap::new, Collectors.mapping(describeE, Collectors.toList())));
        assertThat(actualByMonth.keySet()).as("account-months with %s", what)
                .containsExactlyElementsOf(expectedByMonth.keySet());
        expectedByMonth.forEach((month, lines) -> assertThat(actualByMonth.get(month))
                .as("%s of %s", what, month).containsExactlyElementsOf(lines));
    }

    private void sendToBoth(RoutedRequest request) {
        send(request);
        oracle.accept(OracleRecords.request(request, request.getCompletedAt().plusSeconds(1)));
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
     * Accounts with random plan timelines: pay as you go, versions from long ago or starting mid-traffic, upgrades,
     * downgrades, ceilings (none, above credit, equal to it: Free) and billing zones that change between versions.
     */
    private List<String> publishRandomPlans(Random random) {
        List<String> accounts = new ArrayList<>();
        for (int a = 0; a < ACCOUNTS; a++) {
            String account = "acct-" + a;
            accounts.add(account);
            int versions = random.nextInt(4);
            for (int v = 0; v < versions; v++) {
                Instant from = v == 0 && random.nextBoolean() ? Instant.parse("2020-01-01T00:00:00Z")
                        : randomInstant(random, TRAFFIC_START.minus(Duration.ofDays(10)), TRAFFIC_END);
                BigDecimal credit = dollars(random.nextInt(40_00), 2);
                BigDecimal ceiling = switch (random.nextInt(4)) {
                    case 0 -> null;
                    case 1 -> credit;
                    default -> credit.add(dollars(random.nextInt(60_00), 2));
                };
                String zone = ZONES[random.nextInt(ZONES.length)];
                AccountPlan plan = new AccountPlan(account, "plan-" + v, credit.setScale(9),
                        ceiling == null ? null : ceiling.setScale(9), zone, from);
                publishPlan(plan);
                oracle.publishPlan(OracleRecords.plan(plan), PLANS_PUBLISHED_AT);
            }
        }
        return accounts;
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
