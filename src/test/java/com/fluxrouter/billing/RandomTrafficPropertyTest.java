package com.fluxrouter.billing;

import com.fluxrouter.billing.metering.PlanTerms;
import com.fluxrouter.billing.metering.Settlement;
import com.fluxrouter.billing.pricing.Lane;
import com.fluxrouter.billing.schema.InvoiceLine;
import com.fluxrouter.billing.schema.OverageUpdate;
import com.fluxrouter.billing.schema.PricedRequest;
import com.fluxrouter.billing.schema.RoutedRequest;
import com.fluxrouter.billing.schema.SpendAlert;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property: on seeded random traffic (five accounts on different plans, three months, duplicates and late requests),
 * once every month is closed the invoice lines add up exactly to the priced requests: per account-month the TOTALs'
 * amounts are the overage due of rule 7 and their amounts due are that overage rounded half-up to cents.
 */
class RandomTrafficPropertyTest extends PipelineTest {
    private static final int REQUESTS = 300;
    private static final Instant TRAFFIC_START = Instant.parse("2026-06-01T00:00:00Z");
    private static final Instant TRAFFIC_END = Instant.parse("2026-09-01T00:00:00Z");
    private static final String LONG_AGO = "2020-01-01T00:00:00Z";
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    /** An account, its billing zone and its terms per month, worked out by hand from the plans it is given. */
    private record Account(String id, ZoneId zone, Function<YearMonth, PlanTerms> terms) {
    }

    private record Expected(String requestId, String account, YearMonth month, Lane lane, long inputTokens,
                            long outputTokens, long costNanos) {
    }

    private record AccountMonth(String account, String month) {
    }

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 20);
    }

    private static long nanos(String usd) {
        return new BigDecimal(usd).movePointRight(9).longValueExact();
    }

    private static PlanTerms terms(String credit, String ceiling) {
        return new PlanTerms(nanos(credit), ceiling == null ? PlanTerms.NO_CEILING : nanos(ceiling));
    }

    private static BigDecimal usdOf(long nanos) {
        return BigDecimal.valueOf(nanos, 9);
    }

    private static long nanosPerToken(Lane lane) {
        return switch (lane) {
            case EXPRESS -> 1_000;        // $1 per 1M tokens
            case DAILY_DRIVER -> 2_000;   // $2
            case DEEP_THOUGHT -> 4_000;   // $4
        };
    }

    private List<Account> publishAccounts() {
        List<Account> accounts = new ArrayList<>();
        accounts.add(new Account("payg", ZoneOffset.UTC, month -> PlanTerms.PAY_AS_YOU_GO));

        publishPlan(plan("free", "Free", "5", "5", null, LONG_AGO));
        accounts.add(new Account("free", ZoneOffset.UTC, month -> terms("5", "5")));

        publishPlan(plan("team", "Team", "10", null, null, LONG_AGO));
        accounts.add(new Account("team", ZoneOffset.UTC, month -> terms("10", null)));

        // Downgrade on July 10: July keeps the larger terms, August has the smaller.
        publishPlan(plan("downgrader", "Business", "20", "50", null, LONG_AGO));
        publishPlan(plan("downgrader", "Starter", "8", "15", null, "2026-07-10T00:00:00Z"));
        accounts.add(new Account("downgrader", ZoneOffset.UTC,
                month -> month.isAfter(YearMonth.of(2026, 7)) ? terms("8", "15") : terms("20", "50")));

        // Billed in New York months; upgrade on July 15 counts for all of July.
        publishPlan(plan("ny-upgrader", "Team", "10", "30", "America/New_York", LONG_AGO));
        publishPlan(plan("ny-upgrader", "Business", "25", "60", "America/New_York", "2026-07-15T12:00:00Z"));
        accounts.add(new Account("ny-upgrader", NEW_YORK,
                month -> month.isBefore(YearMonth.of(2026, 7)) ? terms("10", "30") : terms("25", "60")));
        return accounts;
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void invoicesAddUpExactlyToThePricedRequests(long seed) {
        Random random = new Random(seed);
        List<Account> accounts = publishAccounts();
        Map<String, Account> byId = new HashMap<>();
        Map<String, Long> maxTokens = new HashMap<>();
        for (Account account : accounts) {
            byId.put(account.id(), account);
            maxTokens.put(account.id(), 20_000L + random.nextLong(600_000L));
        }

        long span = TRAFFIC_END.toEpochMilli() - TRAFFIC_START.toEpochMilli();
        long[] times = new long[REQUESTS];
        for (int i = 0; i < REQUESTS; i++) {
            times[i] = TRAFFIC_START.toEpochMilli() + random.nextLong(span);
        }
        java.util.Arrays.sort(times);

        Map<String, Expected> expected = new LinkedHashMap<>();
        List<RoutedRequest> recent = new ArrayList<>();
        Set<YearMonth> forcedLate = new HashSet<>();
        int sequence = 0;
        for (int i = 0; i < REQUESTS; i++) {
            Account account = accounts.get(random.nextInt(accounts.size()));
            RoutedRequest request = randomRequest(random, account, maxTokens.get(account.id()), times[i],
                    "s" + seed + "-r" + sequence++);
            send(request);
            expect(expected, request, byId);
            recent.add(request);

            // A duplicate of a recent request, sometimes with different contents: never priced again.
            if (random.nextInt(100) < 5) {
                RoutedRequest original = recent.get(Math.max(0, recent.size() - 1 - random.nextInt(20)));
                RoutedRequest duplicate = random.nextBoolean() ? original
                        : RoutedRequest.newBuilder(original).setInputTokens(original.getInputTokens() + 1).build();
                send(duplicate);
            }

            // A late request for the previous (closed) month, within the deduplication window.
            Instant now = Instant.ofEpochMilli(times[i]);
            YearMonth utcMonth = YearMonth.from(now.atZone(ZoneOffset.UTC));
            Instant monthStart = utcMonth.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
            boolean eligible = utcMonth.isAfter(YearMonth.from(TRAFFIC_START.atZone(ZoneOffset.UTC)))
                    && now.isAfter(monthStart.plus(Duration.ofDays(2)));
            if (eligible && (forcedLate.add(utcMonth) || random.nextInt(100) < 4)) {
                Account lateAccount = accounts.get(random.nextInt(accounts.size()));
                long at = monthStart.toEpochMilli() - 1 - random.nextLong(Duration.ofDays(3).toMillis());
                RoutedRequest late = randomRequest(random, lateAccount, maxTokens.get(lateAccount.id()), at,
                        "s" + seed + "-late" + sequence++);
                send(late);
                expect(expected, late, byId);
                recent.add(late);
            }
        }
        advanceWallClock(Duration.ofDays(3650));

        assertThat(rejected()).as("every generated request is valid and within the deduplication window").isEmpty();
        List<PricedRequest> priced = priced();
        List<InvoiceLine> lines = invoiceLines();
        List<OverageUpdate> updates = overage();
        List<SpendAlert> alerts = alerts();

        // Each request_id priced exactly once, as the rules price it.
        assertThat(priced).extracting(PricedRequest::getRequestId).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(expected.keySet());
        Map<AccountMonth, BigDecimal> pricedCost = new HashMap<>();
        for (PricedRequest p : priced) {
            Expected e = expected.get(p.getRequestId());
            assertThat(p.getBillingMonth()).as(p.getRequestId()).isEqualTo(e.month().toString());
            assertThat(p.getLane()).as(p.getRequestId()).isEqualTo(e.lane().name());
            assertThat(p.getCostUsd()).as(p.getRequestId()).isEqualByComparingTo(usdOf(e.costNanos()));
            pricedCost.merge(new AccountMonth(p.getAccountId(), p.getBillingMonth()), p.getCostUsd(), BigDecimal::add);
        }

        // Independent figures of every account-month.
        Map<AccountMonth, List<Expected>> byMonth = new TreeMap<>(
                java.util.Comparator.comparing(AccountMonth::account).thenComparing(AccountMonth::month));
        for (Expected e : expected.values()) {
            byMonth.computeIfAbsent(new AccountMonth(e.account(), e.month().toString()), k -> new ArrayList<>()).add(e);
        }
        Map<AccountMonth, List<InvoiceLine>> linesByMonth = new HashMap<>();
        for (InvoiceLine line : lines) {
            linesByMonth.computeIfAbsent(new AccountMonth(line.getAccountId(), line.getBillingMonth()),
                    k -> new ArrayList<>()).add(line);
        }
        assertThat(linesByMonth.keySet()).as("every account-month with requests is invoiced, and only those")
                .containsExactlyInAnyOrderElementsOf(byMonth.keySet());

        BigDecimal allTotals = BigDecimal.ZERO;
        BigDecimal allOverage = BigDecimal.ZERO;
        int supplementalSets = 0;
        for (Map.Entry<AccountMonth, List<Expected>> entry : byMonth.entrySet()) {
            AccountMonth key = entry.getKey();
            List<Expected> requests = entry.getValue();
            long usage = requests.stream().mapToLong(Expected::costNanos).sum();
            PlanTerms terms = byId.get(key.account()).terms().apply(YearMonth.parse(key.month()));
            Settlement settlement = new Settlement(usage, terms);
            BigDecimal overage = usdOf(settlement.overageDue());
            List<InvoiceLine> monthLines = linesByMonth.get(key);

            supplementalSets += checkSets(key, monthLines);
            BigDecimal totals = sum(monthLines, "TOTAL", InvoiceLine::getAmountUsd);
            assertThat(totals).as("%s: sum of TOTAL amount_usd", key).isEqualByComparingTo(overage);
            assertThat(sum(monthLines, "TOTAL", InvoiceLine::getAmountDueUsd)).as("%s: sum of TOTAL amount_due_usd", key)
                    .isEqualByComparingTo(overage.setScale(2, RoundingMode.HALF_UP));
            assertThat(sum(monthLines, "USAGE", InvoiceLine::getAmountUsd)).as("%s: sum of USAGE", key)
                    .isEqualByComparingTo(usdOf(usage))
                    .isEqualByComparingTo(pricedCost.get(key));
            assertThat(sum(monthLines, "INCLUDED_CREDIT", InvoiceLine::getAmountUsd)).as("%s: sum of INCLUDED_CREDIT", key)
                    .isEqualByComparingTo(usdOf(-Math.min(usage, terms.creditNanos())));
            assertThat(sum(monthLines, "CEILING_ADJUSTMENT", InvoiceLine::getAmountUsd))
                    .as("%s: sum of CEILING_ADJUSTMENT", key).isEqualByComparingTo(usdOf(-settlement.overCeiling()));
            assertThat(monthLines.stream().filter(l -> l.getLineType().equals("TOTAL")).mapToLong(InvoiceLine::getRequests).sum())
                    .as("%s: requests on TOTALs", key).isEqualTo(requests.size());
            for (Lane lane : Lane.values()) {
                List<Expected> laneRequests = requests.stream().filter(e -> e.lane() == lane).toList();
                List<InvoiceLine> laneLines = monthLines.stream()
                        .filter(l -> l.getLineType().equals("USAGE") && lane.name().equals(l.getLane())).toList();
                assertThat(laneLines.stream().mapToLong(InvoiceLine::getRequests).sum()).as("%s %s requests", key, lane)
                        .isEqualTo(laneRequests.size());
                assertThat(laneLines.stream().mapToLong(InvoiceLine::getInputTokens).sum()).as("%s %s input", key, lane)
                        .isEqualTo(laneRequests.stream().mapToLong(Expected::inputTokens).sum());
                assertThat(laneLines.stream().mapToLong(InvoiceLine::getOutputTokens).sum()).as("%s %s output", key, lane)
                        .isEqualTo(laneRequests.stream().mapToLong(Expected::outputTokens).sum());
                assertThat(laneLines.stream().map(InvoiceLine::getAmountUsd).reduce(BigDecimal.ZERO, BigDecimal::add))
                        .as("%s %s amount", key, lane)
                        .isEqualByComparingTo(usdOf(laneRequests.stream().mapToLong(Expected::costNanos).sum()));
            }

            // The latest OverageUpdate alone is the month's overage due.
            List<OverageUpdate> monthUpdates = updates.stream()
                    .filter(u -> u.getAccountId().equals(key.account()) && u.getBillingMonth().equals(key.month())).toList();
            BigDecimal latest = monthUpdates.isEmpty() ? BigDecimal.ZERO : monthUpdates.get(monthUpdates.size() - 1).getOverageUsd();
            assertThat(latest).as("%s: latest overage", key).isEqualByComparingTo(overage);
            assertThat(monthUpdates.stream().map(OverageUpdate::getOverageDeltaUsd).reduce(BigDecimal.ZERO, BigDecimal::add))
                    .as("%s: deltas add up to the overage", key).isEqualByComparingTo(overage);

            allTotals = allTotals.add(totals);
            allOverage = allOverage.add(overage);
        }
        assertThat(allTotals).as("sum of all TOTAL amount_usd").isEqualByComparingTo(allOverage);
        assertThat(supplementalSets).as("late requests produced supplemental sets").isPositive();
        assertThat(alerts).extracting(a -> a.getAccountId() + "/" + a.getBillingMonth() + "/" + a.getAlert())
                .as("each alert at most once per account-month").doesNotHaveDuplicates();
    }

    /** Checks the sets of an account-month are 0, 1, 2, ... each ending in one TOTAL; returns the supplemental ones. */
    private static int checkSets(AccountMonth key, List<InvoiceLine> lines) {
        int set = 0;
        int start = 0;
        for (int i = 0; i < lines.size(); i++) {
            InvoiceLine line = lines.get(i);
            assertThat(line.getInvoiceSet()).as("%s line %d", key, i).isEqualTo(set);
            assertThat(line.getSupplemental()).as("%s line %d", key, i).isEqualTo(set > 0);
            if (line.getLineType().equals("TOTAL")) {
                assertThat(lines.subList(start, i)).as("%s set %d", key, set)
                        .noneMatch(l -> l.getLineType().equals("TOTAL"));
                set++;
                start = i + 1;
            }
        }
        assertThat(start).as("%s: the last set ends in a TOTAL", key).isEqualTo(lines.size());
        assertThat(set).as("%s: an original set", key).isPositive();
        return set - 1;
    }

    private static BigDecimal sum(List<InvoiceLine> lines, String type, Function<InvoiceLine, BigDecimal> amount) {
        return lines.stream().filter(l -> l.getLineType().equals(type)).map(amount).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    private RoutedRequest randomRequest(Random random, Account account, long maxTokens, long at, String id) {
        Lane lane = Lane.values()[random.nextInt(Lane.values().length)];
        boolean zero = random.nextInt(100) < 3;
        long input = zero ? 0 : random.nextLong(maxTokens + 1);
        long output = zero ? 0 : random.nextLong(maxTokens + 1);
        return request(account.id(), lane, input, output, Instant.ofEpochMilli(at).toString())
                .setRequestId(id)
                .build();
    }

    private static void expect(Map<String, Expected> expected, RoutedRequest request, Map<String, Account> accounts) {
        Account account = accounts.get(request.getAccountId());
        Lane lane = Lane.valueOf(laneOf(request.getServedModel()));
        long cost = (request.getInputTokens() + request.getOutputTokens()) * nanosPerToken(lane);
        YearMonth month = YearMonth.from(request.getCompletedAt().atZone(account.zone()));
        Expected previous = expected.put(request.getRequestId(), new Expected(request.getRequestId(),
                request.getAccountId(), month, lane, request.getInputTokens(), request.getOutputTokens(), cost));
        assertThat(previous).isNull();
    }

    private static String laneOf(String servedModel) {
        return com.fluxrouter.billing.catalog.PublishedPriceList.models().stream()
                .filter(m -> m.getModelId().equals(servedModel)).findFirst().orElseThrow().getLane();
    }
}
