package com.fluxrouter.billing.hostile;

import com.fluxrouter.billing.catalog.PublishedPriceList;
import com.fluxrouter.billing.errors.Reason;
import com.fluxrouter.billing.pricing.Lane;
import com.fluxrouter.billing.schema.AccountPlan;
import com.fluxrouter.billing.schema.AccountPlanKey;
import com.fluxrouter.billing.schema.InvoiceLine;
import com.fluxrouter.billing.schema.LaneRate;
import com.fluxrouter.billing.schema.LaneRateKey;
import com.fluxrouter.billing.schema.ModelLane;
import com.fluxrouter.billing.schema.OverageUpdate;
import com.fluxrouter.billing.schema.PricedRequest;
import com.fluxrouter.billing.schema.RejectedRecord;
import com.fluxrouter.billing.schema.RoutedRequest;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.topology.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.utils.ByteUtils;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hostile-input corpus of issue 4 (docs/hostile-input.md lists it): malformed and adversarial records on every
 * input topic, each with the outcome it must have, interleaved with valid traffic. The same sends go through replay's
 * engine ({@code HostileCorpusReplayTest}) and through the live pipeline on a broker ({@code HostileCorpusIT}), and
 * {@link #assertHandled} holds both to the same outcome: every bad record on the rejected topic with its reason, its
 * original key and value bytes, topic, partition and offset; nothing of it priced; every valid record priced; and
 * invoice lines for exactly the account-months that the accepted traffic closes, so no bad record closed one early.
 *
 * <p>Every instant is fixed and in the past of any run: the live broker stamps requests with its append time, which
 * is later than all of them, so "in the future" means the same in both runs. All topics have one partition, so
 * there is one billing clock and offsets are the order of the sends.
 */
public final class HostileCorpus {
    /** When replay counts every record as produced: after every valid completed_at. */
    public static final Instant PRODUCED_AT = Instant.parse("2026-11-27T00:00:00Z");
    /** Valid traffic runs from the last UTC day of September to well inside October. */
    static final Instant TRAFFIC_START = Instant.parse("2026-09-30T00:00:00Z");
    static final Instant TRAFFIC_END = Instant.parse("2026-10-20T00:00:00Z");
    static final YearMonth BOUNDARY_MONTH = YearMonth.of(2026, 10);
    static final Duration GRACE = Duration.ofHours(24);
    static final List<String> ACCOUNTS = List.of("acct-a", "acct-b", "acct-c");
    static final int VALID_REQUESTS = 60;
    /**
     * Largest value, under a 6-byte key, that the default producer sends: max.request.size (1 MiB) less its upper
     * bound of batch and record overhead (61 + 21 bytes) and the key's and value's lengths and the header count.
     */
    public static final int LARGEST_SENDABLE_VALUE = 1_048_576 - 61 - 21 - (1 + 6) - 3 - 1;
    private static final int MAX_REQUEST_SIZE = 1_048_576;
    /** One byte more: the producer refuses it, so it never reaches the broker, let alone the pipeline. */
    public static final int UNSENDABLE_VALUE = LARGEST_SENDABLE_VALUE + 1;

    /** One record to send, in order. {@code producerTimestamp} is null for "the producer's clock". */
    public record Send(String topic, byte[] key, byte[] value, Long producerTimestamp, long offset) {
    }

    /** A request the pipeline must price: in this account-month, at this cost. */
    public record Priced(String requestId, String account, YearMonth month, long costNanos) {
    }

    /**
     * A corpus entry: a name, where it is sent, its bytes, and what must happen to it: rejected with
     * {@code reason}, or (edge cases that are valid) priced as {@code priced}.
     */
    public record Entry(String name, String topic, byte[] key, byte[] value, Reason reason, Priced priced,
                        Long producerTimestamp) {
        boolean rejected() {
            return reason != null;
        }
    }

    private final Serdes serdes;
    private final List<Entry> entries = new ArrayList<>();
    private final List<Send> catalogAndPlans = new ArrayList<>();
    private final List<Send> requests = new ArrayList<>();
    private final Map<Entry, Send> sendOf = new HashMap<>();
    private final List<Priced> valid = new ArrayList<>();
    private final Map<String, ZoneId> zones = new HashMap<>();
    private final Map<String, Long> offsets = new HashMap<>();
    private int zonePlans;
    private int nextId;

    public HostileCorpus(Serdes serdes) {
        this.serdes = serdes;
        ACCOUNTS.forEach(account -> zones.put(account, ZoneOffset.UTC));
        catalog();
        plans();
        requestEntries();
        interleaveRequests();
    }

    // ---- what the tests use

    public List<Entry> entries() {
        return List.copyOf(entries);
    }

    /** Catalog and plan records, published first (the live test waits for them to reach the stores). */
    public List<Send> catalogAndPlans() {
        return List.copyOf(catalogAndPlans);
    }

    /** Requests: valid traffic with the request entries in between. */
    public List<Send> requests() {
        return List.copyOf(requests);
    }

    public int validModels() {
        return PublishedPriceList.models().size();
    }

    public int validRates() {
        return PublishedPriceList.rates().size();
    }

    /** Accounts with a valid plan version, i.e. entries of the plan-history store. */
    public int accountsWithPlans() {
        return zonePlans;
    }

    /**
     * Holds what the pipeline wrote (each topic's records in the order written) to the corpus: the whole contract
     * of issue 4 for hostile input.
     */
    public void assertHandled(List<RejectedRecord> rejected, List<PricedRequest> priced, List<OverageUpdate> overage,
                              List<InvoiceLine> invoiceLines) {
        assertRejections(rejected);
        Map<String, Priced> expected = expectedPriced();
        assertPriced(priced, expected);
        Map<String, Long> usage = usagePerAccountMonth(expected.values());
        assertOverage(overage, usage);
        assertInvoiceLines(invoiceLines, usage, expected.values());
    }

    // ---- assertions

    private void assertRejections(List<RejectedRecord> rejected) {
        Map<String, RejectedRecord> bySource = new HashMap<>();
        for (RejectedRecord record : rejected) {
            RejectedRecord twice = bySource.put(record.getSourceTopic() + "@" + record.getSourceOffset(), record);
            assertThat(twice).as("rejected twice: %s@%d", record.getSourceTopic(), record.getSourceOffset()).isNull();
        }
        long expectedRejections = entries.stream().filter(Entry::rejected).count();
        for (Entry entry : entries) {
            Send send = sendOf.get(entry);
            RejectedRecord record = bySource.get(entry.topic() + "@" + send.offset());
            if (!entry.rejected()) {
                assertThat(record).as("%s is valid and must not be rejected", entry.name()).isNull();
                continue;
            }
            assertThat(record).as("%s must be rejected", entry.name()).isNotNull();
            assertThat(record.getReason()).as(entry.name() + ": " + record.getDetail()).isEqualTo(entry.reason().name());
            assertThat(record.getDetail()).as(entry.name()).isNotBlank();
            assertThat(record.getSourcePartition()).as(entry.name()).isZero();
            assertThat(bytes(record.getOriginalKey())).as(entry.name() + " key").isEqualTo(entry.key());
            assertThat(bytes(record.getOriginalValue())).as(entry.name() + " value").isEqualTo(entry.value());
        }
        assertThat(rejected).as("rejected records beyond the corpus' (valid traffic must not be rejected)")
                .hasSize((int) expectedRejections);
    }

    private static void assertPriced(List<PricedRequest> priced, Map<String, Priced> expected) {
        Map<String, PricedRequest> byId = new LinkedHashMap<>();
        priced.forEach(p -> assertThat(byId.put(p.getRequestId(), p)).as("priced twice: " + p.getRequestId()).isNull());
        assertThat(byId.keySet()).as("exactly the valid requests are priced").containsExactlyInAnyOrderElementsOf(expected.keySet());
        for (Priced want : expected.values()) {
            PricedRequest got = byId.get(want.requestId());
            assertThat(got.getAccountId()).as(want.requestId()).isEqualTo(want.account());
            assertThat(got.getBillingMonth()).as(want.requestId()).isEqualTo(want.month().toString());
            assertThat(got.getCostUsd()).as(want.requestId()).isEqualTo(usd(want.costNanos()));
        }
    }

    /** Every account bills pay as you go (no valid plan gives credit), so the latest overage is the usage. */
    private static void assertOverage(List<OverageUpdate> overage, Map<String, Long> usage) {
        Map<String, OverageUpdate> latest = new LinkedHashMap<>();
        overage.forEach(update -> latest.put(update.getAccountId() + "/" + update.getBillingMonth(), update));
        usage.forEach((accountMonth, nanos) -> {
            if (nanos == 0) {
                assertThat(latest).as(accountMonth).doesNotContainKey(accountMonth);
            } else {
                assertThat(latest.get(accountMonth)).as(accountMonth).isNotNull();
                assertThat(latest.get(accountMonth).getOverageUsd()).as(accountMonth).isEqualTo(usd(nanos));
            }
        });
        assertThat(usage.keySet()).containsAll(latest.keySet());
    }

    /**
     * One partition, one billing clock: the latest completed_at of the accepted requests. Exactly the
     * account-months whose end plus grace (in the account's zone) that clock has reached have invoice lines, and
     * their TOTALs add up to the usage and to it rounded half-up to cents.
     */
    private void assertInvoiceLines(List<InvoiceLine> lines, Map<String, Long> usage, java.util.Collection<Priced> priced) {
        Map<String, Instant> completed = completedAtOfAccepted();
        long clock = priced.stream().mapToLong(p -> completed.get(p.requestId()).toEpochMilli()).max().orElseThrow();
        Set<String> shouldClose = new TreeSet<>();
        for (Priced p : priced) {
            ZoneId zone = zones.get(p.account());
            // rule 10, in java.time: the month's end in the account's zone plus the grace period
            long end = p.month().plusMonths(1).atDay(1).atStartOfDay(zone).toInstant().toEpochMilli();
            if (end + GRACE.toMillis() <= clock) {
                shouldClose.add(p.account() + "/" + p.month());
            }
        }
        Map<String, long[]> totals = new HashMap<>();
        for (InvoiceLine line : lines) {
            if (line.getLineType().equals("TOTAL")) {
                long[] sums = totals.computeIfAbsent(line.getAccountId() + "/" + line.getBillingMonth(), k -> new long[2]);
                sums[0] += nanos(line.getAmountUsd());
                sums[1] += nanos(line.getAmountDueUsd());
            }
        }
        assertThat(new TreeSet<>(totals.keySet())).as("account-months with invoice lines (clock %s)",
                Instant.ofEpochMilli(clock)).isEqualTo(shouldClose);
        assertThat(shouldClose).as("the corpus closes some months and leaves others open")
                .isNotEmpty().hasSizeLessThan(usage.size());
        totals.forEach((accountMonth, sums) -> {
            long nanos = usage.get(accountMonth);
            assertThat(sums[0]).as(accountMonth + " exact total").isEqualTo(nanos);
            assertThat(sums[1]).as(accountMonth + " amount due").isEqualTo(
                    BigDecimal.valueOf(nanos, 9).setScale(2, java.math.RoundingMode.HALF_UP).movePointRight(9).longValueExact());
        });
    }

    private Map<String, Priced> expectedPriced() {
        Map<String, Priced> expected = new LinkedHashMap<>();
        valid.forEach(p -> expected.put(p.requestId(), p));
        entries.stream().filter(e -> !e.rejected()).forEach(e -> expected.put(e.priced().requestId(), e.priced()));
        return expected;
    }

    private Map<String, Instant> completedAtOfAccepted() {
        Map<String, Instant> at = new HashMap<>();
        for (Send send : requests) {
            RoutedRequest request;
            try {
                request = serdes.avro(RoutedRequest.class).deserializer().deserialize(Topics.ROUTED, send.value());
            } catch (RuntimeException unreadable) {
                continue;
            }
            if (request != null) {
                at.putIfAbsent(request.getRequestId(), request.getCompletedAt());
            }
        }
        return at;
    }

    private static Map<String, Long> usagePerAccountMonth(java.util.Collection<Priced> priced) {
        Map<String, Long> usage = new LinkedHashMap<>();
        priced.forEach(p -> usage.merge(p.account() + "/" + p.month(), p.costNanos(), Long::sum));
        return usage;
    }

    // ---- catalog and plans

    private void catalog() {
        PublishedPriceList.models().forEach(model -> sendCatalog(Topics.MODELS, string(model.getModelId()),
                avro(model)));
        PublishedPriceList.rates().forEach(rate -> sendCatalog(Topics.RATES, avro(keyOf(rate)), avro(rate)));

        ModelLane turbo = new ModelLane("flux-express-small", "TURBO");
        reject("model of an unknown lane", Topics.MODELS, string(turbo.getModelId()), avro(turbo), Reason.INVALID_MODEL);
        // Applied, it would price every flux-express-small request at Deep Thought rates.
        ModelLane misKeyed = new ModelLane("flux-express-small", Lane.DEEP_THOUGHT.name());
        reject("model keyed by another model", Topics.MODELS, string("deepseek-r1"), avro(misKeyed), Reason.INVALID_MODEL);
        ModelLane blank = new ModelLane(" ", Lane.EXPRESS.name());
        reject("model with a blank id", Topics.MODELS, string(" "), avro(blank), Reason.INVALID_MODEL);
        reject("JSON on the models topic", Topics.MODELS, string("m"),
                utf8("{\"model_id\":\"m\",\"lane\":\"EXPRESS\"}"), Reason.MALFORMED);

        // Each bad rate version is in force for all of the traffic: applied, it would change every Express cost.
        LaneRate decimals = rate("EXPRESS", "1.0005", "1", "2026-09-01T00:00:00Z");
        reject("rate with four decimal places", Topics.RATES, avro(keyOf(decimals)), avro(decimals), Reason.INVALID_RATE);
        LaneRate nanoRate = rate("EXPRESS", "1", "0.000000001", "2026-09-02T00:00:00Z");
        reject("rate of one nano-dollar per 1M tokens", Topics.RATES, avro(keyOf(nanoRate)), avro(nanoRate), Reason.INVALID_RATE);
        LaneRate negative = rate("EXPRESS", "-1", "1", "2026-09-03T00:00:00Z");
        reject("negative input rate", Topics.RATES, avro(keyOf(negative)), avro(negative), Reason.INVALID_RATE);
        LaneRate negativeOutput = rate("DEEP_THOUGHT", "4", "-0.001", "2026-09-03T00:00:00Z");
        reject("negative output rate", Topics.RATES, avro(keyOf(negativeOutput)), avro(negativeOutput), Reason.INVALID_RATE);
        LaneRate huge = rate("DAILY_DRIVER", "1000000.001", "2", "2026-09-03T00:00:00Z");
        reject("rate over $1,000,000 per 1M tokens", Topics.RATES, avro(keyOf(huge)), avro(huge), Reason.INVALID_RATE);
        LaneRate unknownLane = rate("TURBO", "1", "1", "2026-09-03T00:00:00Z");
        reject("rate of an unknown lane", Topics.RATES, avro(keyOf(unknownLane)), avro(unknownLane), Reason.INVALID_RATE);
        LaneRate misKeyedRate = rate("EXPRESS", "9", "9", "2026-09-04T00:00:00Z");
        reject("rate keyed by another version", Topics.RATES,
                avro(new LaneRateKey("EXPRESS", Instant.parse("2026-09-05T00:00:00Z"))), avro(misKeyedRate), Reason.INVALID_RATE);
        reject("random bytes on the rates topic", Topics.RATES, avro(keyOf(misKeyedRate)), randomBytes(7, 40), Reason.MALFORMED);
    }

    /**
     * A plan per billing offset from UTC-12 to UTC+14 (the zones the boundary entries bill in), and bad versions
     * for the valid accounts, each of which would give credit if it were applied.
     */
    private void plans() {
        for (ZoneOffset offset : offsets()) {
            String account = zoneAccount(offset);
            zones.put(account, offset);
            AccountPlan plan = plan(account, "0", null, offset.getId(), "2020-01-01T00:00:00Z");
            sendCatalog(Topics.PLANS, avro(keyOf(plan)), avro(plan));
            zonePlans++;
        }
        AccountPlan negativeCredit = plan("acct-a", "-1", null, null, "2026-01-01T00:00:00Z");
        reject("plan with negative credit", Topics.PLANS, avro(keyOf(negativeCredit)), avro(negativeCredit), Reason.INVALID_PLAN);
        AccountPlan ceilingBelowCredit = plan("acct-a", "100", "50", null, "2026-02-01T00:00:00Z");
        reject("plan with a ceiling below its credit", Topics.PLANS, avro(keyOf(ceilingBelowCredit)),
                avro(ceilingBelowCredit), Reason.INVALID_PLAN);
        AccountPlan negativeCeiling = plan("acct-b", "0", "-5", null, "2026-01-01T00:00:00Z");
        reject("plan with a negative ceiling", Topics.PLANS, avro(keyOf(negativeCeiling)), avro(negativeCeiling), Reason.INVALID_PLAN);
        AccountPlan mars = plan("acct-b", "100", null, "Mars/Olympus_Mons", "2026-02-01T00:00:00Z");
        reject("plan in a zone that does not exist", Topics.PLANS, avro(keyOf(mars)), avro(mars), Reason.INVALID_PLAN);
        AccountPlan billion = plan("acct-c", "1000000000.000000001", null, null, "2026-01-01T00:00:00Z");
        reject("plan with credit over $1,000,000,000", Topics.PLANS, avro(keyOf(billion)), avro(billion), Reason.INVALID_PLAN);
        AccountPlan misKeyed = plan("acct-c", "100", null, null, "2026-02-01T00:00:00Z");
        reject("plan keyed by another account", Topics.PLANS,
                avro(new AccountPlanKey("acct-b", misKeyed.getEffectiveFrom())), avro(misKeyed), Reason.INVALID_PLAN);
        reject("plan tombstone", Topics.PLANS, avro(keyOf(misKeyed)), null, Reason.INVALID_PLAN);
        reject("request on the plans topic (valid Avro, wrong schema)", Topics.PLANS, avro(keyOf(misKeyed)),
                avro(request("acct-c", "2026-10-01T00:00:00Z").build()), Reason.MALFORMED);
    }

    /** Hourly offsets from UTC-12 to UTC+14, and the half- and quarter-hour ones in use. */
    static List<ZoneOffset> offsets() {
        List<ZoneOffset> offsets = new ArrayList<>();
        IntStream.rangeClosed(-12, 14).forEach(hours -> offsets.add(ZoneOffset.ofHours(hours)));
        for (String odd : List.of("-09:30", "-03:30", "+03:30", "+04:30", "+05:30", "+05:45", "+06:30", "+08:45",
                "+09:30", "+10:30", "+12:45", "+13:45")) {
            offsets.add(ZoneOffset.of(odd));
        }
        offsets.sort(Comparator.comparingInt(ZoneOffset::getTotalSeconds));
        return offsets;
    }

    private static String zoneAccount(ZoneOffset offset) {
        return "tz" + (offset.equals(ZoneOffset.UTC) ? "+00:00" : offset.getId());
    }

    // ---- request entries

    private void requestEntries() {
        RoutedRequest.Builder base = request("acct-a", "2026-10-10T10:00:00Z");
        byte[] baseBytes = avro(base.build());

        // Not a RoutedRequest at all
        reject("random bytes", "acct-a", randomBytes(1, 64), Reason.MALFORMED);
        reject("random bytes after a valid single-object header", "acct-a",
                concat(Arrays.copyOf(baseBytes, 10), randomBytes(2, 80)), Reason.MALFORMED);
        reject("random bytes as large as the producer sends", "acct-a", randomBytes(3, LARGEST_SENDABLE_VALUE),
                Reason.MALFORMED);
        RoutedRequest hugeKey = request("acct-a", "2026-10-10T10:00:00Z").build();
        rejectKeyed("key of 1 MB (as large as the producer sends)", largestKeyFor(avro(hugeKey).length), hugeKey,
                Reason.KEY_MISMATCH);
        reject("truncated Avro (half)", "acct-a", Arrays.copyOf(baseBytes, baseBytes.length / 2), Reason.MALFORMED);
        reject("truncated Avro (one byte short)", "acct-a", Arrays.copyOf(baseBytes, baseBytes.length - 1), Reason.MALFORMED);
        reject("single-object header only", "acct-a", Arrays.copyOf(baseBytes, 10), Reason.MALFORMED);
        reject("valid request followed by garbage", "acct-a",
                concat(avro(request("acct-a", "2026-10-10T10:00:00Z").build()), utf8("garbage")), Reason.MALFORMED);
        reject("two requests in one value", "acct-a", concat(avro(request("acct-a", "2026-10-10T10:00:00Z").build()),
                avro(request("acct-a", "2026-10-10T10:00:01Z").build())), Reason.MALFORMED);
        reject("valid Avro of the wrong schema (ModelLane)", "acct-a",
                avro(new ModelLane("flux-express-small", "EXPRESS")), Reason.MALFORMED);
        reject("valid Avro of the wrong schema (PricedRequest)", "acct-a", avro(pricedLookalike()), Reason.MALFORMED);
        reject("JSON where Avro is expected", "acct-a", utf8("{\"request_id\":\"json-1\",\"account_id\":\"acct-a\","
                + "\"served_model\":\"flux-express-small\",\"input_tokens\":1,\"output_tokens\":1,"
                + "\"completed_at\":\"2026-10-10T10:00:00Z\"}"), Reason.MALFORMED);
        reject("empty value", "acct-a", new byte[0], Reason.MALFORMED);
        reject("null value", "acct-a", null, Reason.MALFORMED);

        // Keys
        RoutedRequest keyed = request("acct-a", "2026-10-10T10:00:00Z").build();
        rejectKeyed("null key", null, keyed, Reason.KEY_MISMATCH);
        rejectKeyed("empty key", new byte[0], request("acct-a", "2026-10-10T10:00:00Z").build(), Reason.KEY_MISMATCH);
        rejectKeyed("key of another account", utf8("acct-b"), request("acct-a", "2026-10-10T10:00:00Z").build(), Reason.KEY_MISMATCH);
        rejectKeyed("key differing in case", utf8("ACCT-A"), request("acct-a", "2026-10-10T10:00:00Z").build(), Reason.KEY_MISMATCH);
        rejectKeyed("key with invalid UTF-8", new byte[] {'a', 'c', 'c', 't', '-', (byte) 0xC3, 'a'},
                request("acct-a", "2026-10-10T10:00:00Z").build(), Reason.KEY_MISMATCH);

        // Token counts
        reject("negative input tokens", request("acct-a", "2026-10-10T10:00:00Z").setInputTokens(-1), Reason.INVALID_TOKENS);
        reject("negative output tokens", request("acct-b", "2026-10-10T10:00:00Z").setOutputTokens(-1), Reason.INVALID_TOKENS);
        reject("Long.MAX_VALUE input tokens", request("acct-a", "2026-10-10T10:00:00Z").setInputTokens(Long.MAX_VALUE),
                Reason.INVALID_TOKENS);
        reject("Long.MAX_VALUE output tokens", request("acct-c", "2026-10-10T10:00:00Z").setOutputTokens(Long.MAX_VALUE),
                Reason.INVALID_TOKENS);
        reject("Long.MIN_VALUE input tokens", request("acct-a", "2026-10-10T10:00:00Z").setInputTokens(Long.MIN_VALUE),
                Reason.INVALID_TOKENS);
        reject("10,000,001 output tokens", request("acct-b", "2026-10-10T10:00:00Z").setOutputTokens(10_000_001),
                Reason.INVALID_TOKENS);
        accept("zero tokens cost $0", request("acct-c", "2026-10-05T01:00:00Z").setInputTokens(0).setOutputTokens(0));
        accept("10,000,000 tokens each way", request("acct-c", "2026-10-05T02:00:00Z").setServedModel("deepseek-r1")
                .setInputTokens(10_000_000).setOutputTokens(10_000_000));

        // Ids
        reject("blank request_id", request("acct-a", "2026-10-10T10:00:00Z").setRequestId("  "), Reason.MISSING_ID);
        RoutedRequest noAccount = request("acct-a", "2026-10-10T10:00:00Z").setAccountId("").build();
        rejectKeyed("empty account_id", new byte[0], noAccount, Reason.MISSING_ID);
        reject("request_id of 257 characters", request("acct-a", "2026-10-10T10:00:00Z").setRequestId("r".repeat(257)),
                Reason.INVALID_ID);
        accept("request_id of 256 characters", request("acct-b", "2026-10-06T00:00:00Z").setRequestId("r".repeat(256)));
        // Emoji are outside the Basic Multilingual Plane: two UTF-16 units each, one code point, the unit of the limit.
        accept("request_id of 256 emoji (512 UTF-16 units)",
                request("acct-b", "2026-10-06T00:00:00Z").setRequestId("\uD83D\uDE00".repeat(256)));
        reject("request_id of 257 emoji", request("acct-a", "2026-10-10T10:00:00Z").setRequestId("\uD83D\uDE00".repeat(257)),
                Reason.INVALID_ID);
        reject("request_id of 1 MB", request("acct-a", "2026-10-10T10:00:00Z").setRequestId("x".repeat(1_000_000)),
                Reason.INVALID_ID);
        RoutedRequest hugeAccount = request("acct-a", "2026-10-10T10:00:00Z").setAccountId("a".repeat(1_000_000)).build();
        rejectKeyed("account_id of 1 MB", utf8("acct-a"), hugeAccount, Reason.INVALID_ID);
        reject("request_id as large as the producer sends", sized(request("acct-a", "2026-10-10T10:00:00Z"),
                LARGEST_SENDABLE_VALUE), Reason.INVALID_ID);
        reject("NUL in request_id", request("acct-a", "2026-10-10T10:00:00Z").setRequestId("req\u0000nul"), Reason.INVALID_ID);
        reject("DEL in request_id", request("acct-a", "2026-10-10T10:00:00Z").setRequestId("req\u007fdel"), Reason.INVALID_ID);
        reject("C1 control (NEL) in request_id", request("acct-a", "2026-10-10T10:00:00Z").setRequestId("req\u0085nel"),
                Reason.INVALID_ID);
        reject("ANSI escape in request_id", request("acct-a", "2026-10-10T10:00:00Z").setRequestId("\u001b[31mred"),
                Reason.INVALID_ID);
        RoutedRequest newline = request("acct-a", "2026-10-10T10:00:00Z").setAccountId("acct-a\nacct-b").build();
        rejectKeyed("newline in account_id", utf8("acct-a\nacct-b"), newline, Reason.INVALID_ID);
        invalidUtf8("lone 0xFF in request_id", "acct-a", "req-@", new byte[] {(byte) 0xFF});
        invalidUtf8("overlong NUL (C0 80) in request_id", "acct-a", "req-@@", new byte[] {(byte) 0xC0, (byte) 0x80});
        invalidUtf8("UTF-16 surrogate as UTF-8 (ED A0 80) in request_id", "acct-a", "req-@@@",
                new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80});
        invalidUtf8("truncated 3-byte sequence in request_id", "acct-a", "req-@@-end", new byte[] {(byte) 0xE2, (byte) 0x82});
        invalidUtf8AccountId();

        // Timestamps
        reject("completed_at at the epoch", request("acct-a", "2026-10-10T10:00:00Z").setCompletedAt(Instant.EPOCH),
                Reason.INVALID_TIMESTAMP);
        reject("completed_at one millisecond before the epoch",
                request("acct-a", "2026-10-10T10:00:00Z").setCompletedAt(Instant.ofEpochMilli(-1)), Reason.INVALID_TIMESTAMP);
        reject("completed_at at Long.MIN_VALUE ms",
                request("acct-b", "2026-10-10T10:00:00Z").setCompletedAt(Instant.ofEpochMilli(Long.MIN_VALUE)),
                Reason.INVALID_TIMESTAMP);
        reject("completed_at just before 2020",
                request("acct-b", "2026-10-10T10:00:00Z").setCompletedAt(Instant.parse("2019-12-31T23:59:59.999Z")),
                Reason.INVALID_TIMESTAMP);
        reject("completed_at in 2100", request("acct-a", "2100-01-01T00:00:00Z"), Reason.FUTURE_TIMESTAMP);
        reject("completed_at at Long.MAX_VALUE ms",
                request("acct-c", "2026-10-10T10:00:00Z").setCompletedAt(Instant.ofEpochMilli(Long.MAX_VALUE)),
                Reason.FUTURE_TIMESTAMP);
        reject("completed_at 40 days behind the billing clock", request("acct-a", "2026-08-15T00:00:00Z"), Reason.TOO_LATE);
        Entry stamped = accept("valid request its producer stamped in 2100", request("acct-b", "2026-10-07T00:00:00Z"));
        entries.set(entries.indexOf(stamped), new Entry(stamped.name(), stamped.topic(), stamped.key(), stamped.value(),
                null, stamped.priced(), Instant.parse("2100-01-01T00:00:00Z").toEpochMilli()));
        for (ZoneOffset offset : offsets()) {
            Instant boundary = BOUNDARY_MONTH.atDay(1).atStartOfDay(offset).toInstant();
            String account = zoneAccount(offset);
            accept("last millisecond of September in UTC" + offset.getId(),
                    request(account, boundary.minusMillis(1).toString()));
            accept("first millisecond of October in UTC" + offset.getId(), request(account, boundary.toString()));
        }

        // Lanes and models
        reject("unknown model without a lane claim", request("acct-a", "2026-10-10T10:00:00Z")
                .setServedModel("flux-next-gen").setLane(null), Reason.UNKNOWN_MODEL);
        reject("unknown model claiming lane TURBO", request("acct-a", "2026-10-10T10:00:00Z")
                .setServedModel("flux-next-gen").setLane("TURBO"), Reason.UNKNOWN_LANE);
        reject("unknown model claiming lane express (lowercase)", request("acct-b", "2026-10-10T10:00:00Z")
                .setServedModel("flux-next-gen").setLane("express"), Reason.UNKNOWN_LANE);
        reject("unknown model claiming an empty lane", request("acct-b", "2026-10-10T10:00:00Z")
                .setServedModel("").setLane(""), Reason.UNKNOWN_LANE);
    }

    /** The largest key the default producer sends with a value of this length: "acct-a" and then x's. */
    private static byte[] largestKeyFor(int valueLength) {
        int key = MAX_REQUEST_SIZE - 61 - 21 - 3 - ByteUtils.sizeOfVarint(valueLength) - valueLength - 1;
        byte[] bytes = utf8("acct-a" + "x".repeat(key - 6));
        if (ByteUtils.sizeOfVarint(bytes.length) != 3) {
            throw new IllegalStateException("the key's length takes 3 bytes as a varint");
        }
        return bytes;
    }

    /** Grows the request id until the record's value is exactly {@code size} bytes. */
    private RoutedRequest.Builder sized(RoutedRequest.Builder request, int size) {
        StringBuilder id = new StringBuilder(request.getRequestId());
        // The id's length prefix is a varint that grows with it: converge by the remaining difference.
        for (int bytes = avro(request.build()).length; bytes != size; bytes = avro(request.build()).length) {
            if (bytes < size) {
                id.append("x".repeat(size - bytes));
            } else {
                id.setLength(id.length() - Math.min(id.length() - 1, bytes - size));
            }
            request.setRequestId(id.toString());
        }
        return request;
    }

    /** A request whose id holds {@code marker} (of as many bytes as {@code bad}) replaced by the bad bytes. */
    private void invalidUtf8(String name, String account, String idWithMarker, byte[] bad) {
        RoutedRequest request = request(account, "2026-10-10T10:00:00Z").setRequestId(idWithMarker).build();
        byte[] value = patch(avro(request), "@".repeat(bad.length), bad);
        entries.add(new Entry(name, Topics.ROUTED, utf8(account), value, Reason.INVALID_ID, null, null));
    }

    private void invalidUtf8AccountId() {
        RoutedRequest request = request("acct-a", "2026-10-10T10:00:00Z").setAccountId("acct-@").build();
        byte[] bad = {(byte) 0xFE};
        byte[] key = patch(utf8("acct-@"), "@", bad);
        entries.add(new Entry("invalid UTF-8 in account_id (key the same bytes)", Topics.ROUTED, key,
                patch(avro(request), "@", bad), Reason.INVALID_ID, null, null));
    }

    private static byte[] patch(byte[] bytes, String marker, byte[] replacement) {
        byte[] needle = utf8(marker);
        outer:
        for (int i = 0; i + needle.length <= bytes.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (bytes[i + j] != needle[j]) {
                    continue outer;
                }
            }
            byte[] patched = bytes.clone();
            System.arraycopy(replacement, 0, patched, i, replacement.length);
            return patched;
        }
        throw new IllegalArgumentException("marker not found: " + marker);
    }

    private PricedRequest pricedLookalike() {
        RoutedRequest r = request("acct-a", "2026-10-10T10:00:00Z").build();
        BigDecimal zero = usd(0);
        return PricedRequest.newBuilder().setRequestId(r.getRequestId()).setAccountId(r.getAccountId())
                .setRequestedModel(r.getRequestedModel()).setServedModel(r.getServedModel()).setLane("EXPRESS")
                .setLaneSource("CATALOG").setClaimedLane(null).setInputTokens(1).setOutputTokens(1)
                .setCompletedAt(r.getCompletedAt()).setQuotedCostUsd(null).setBillingMonth("2026-10")
                .setInputCostUsd(zero).setOutputCostUsd(zero).setCostUsd(zero)
                .setRateEffectiveFrom(PublishedPriceList.EFFECTIVE_FROM).setQuoteMismatch(false).build();
    }

    // ---- interleaving

    /**
     * Valid traffic and the accepted entries in completed_at order (the clock moves as it would live), with a
     * rejected entry after every few of them: each bad record has valid ones before and after it.
     */
    private void interleaveRequests() {
        List<Object[]> timeline = new ArrayList<>(); // {completed_at millis, Send-producing thing}
        Random random = new Random(42);
        List<String> models = PublishedPriceList.models().stream().map(ModelLane::getModelId).toList();
        long span = TRAFFIC_END.toEpochMilli() - TRAFFIC_START.toEpochMilli();
        for (int i = 0; i < VALID_REQUESTS; i++) {
            String account = ACCOUNTS.get(i % ACCOUNTS.size());
            Instant at = Instant.ofEpochMilli(TRAFFIC_START.toEpochMilli() + span * i / (VALID_REQUESTS - 1));
            RoutedRequest request = request(account, at.toString())
                    .setRequestId("valid-" + i)
                    .setServedModel(models.get(i % models.size()))
                    .setInputTokens(1 + random.nextInt(200_000))
                    .setOutputTokens(random.nextInt(20_000))
                    .build();
            valid.add(pricedOf(request));
            timeline.add(new Object[] {at.toEpochMilli(), request});
        }
        for (Entry entry : entries) {
            if (entry.topic().equals(Topics.ROUTED) && !entry.rejected()) {
                RoutedRequest request = serdes.avro(RoutedRequest.class).deserializer().deserialize(Topics.ROUTED, entry.value());
                timeline.add(new Object[] {request.getCompletedAt().toEpochMilli(), entry});
            }
        }
        timeline.sort(Comparator.comparingLong(o -> (Long) o[0]));
        List<Entry> bad = entries.stream().filter(e -> e.topic().equals(Topics.ROUTED) && e.rejected()).toList();
        int every = Math.max(1, timeline.size() / (bad.size() + 1));
        int nextBad = 0;
        for (int i = 0; i < timeline.size(); i++) {
            Object item = timeline.get(i)[1];
            if (item instanceof RoutedRequest request) {
                send(Topics.ROUTED, utf8(request.getAccountId()), avro(request), null, null);
            } else {
                Entry entry = (Entry) item;
                send(Topics.ROUTED, entry.key(), entry.value(), entry.producerTimestamp(), entry);
            }
            if ((i + 1) % every == 0 && nextBad < bad.size()) {
                Entry entry = bad.get(nextBad++);
                send(Topics.ROUTED, entry.key(), entry.value(), entry.producerTimestamp(), entry);
            }
        }
        if (nextBad < bad.size()) {
            throw new IllegalStateException("not every bad request is followed by valid traffic");
        }
    }

    // ---- building blocks

    private void sendCatalog(String topic, byte[] key, byte[] value) {
        send(topic, key, value, null, null);
    }

    private void send(String topic, byte[] key, byte[] value, Long producerTimestamp, Entry entry) {
        long offset = offsets.merge(topic, 1L, Long::sum) - 1;
        Send send = new Send(topic, key, value, producerTimestamp, offset);
        (topic.equals(Topics.ROUTED) ? requests : catalogAndPlans).add(send);
        if (entry != null) {
            sendOf.put(entry, send);
        }
    }

    /** A catalog or plan entry, sent at once. */
    private void reject(String name, String topic, byte[] key, byte[] value, Reason reason) {
        Entry entry = new Entry(name, topic, key, value, reason, null, null);
        entries.add(entry);
        send(topic, key, value, null, entry);
    }

    /** A request entry of raw bytes keyed by an account. */
    private void reject(String name, String account, byte[] value, Reason reason) {
        entries.add(new Entry(name, Topics.ROUTED, utf8(account), value, reason, null, null));
    }

    private void reject(String name, RoutedRequest.Builder request, Reason reason) {
        RoutedRequest built = request.build();
        rejectKeyed(name, utf8(built.getAccountId()), built, reason);
    }

    private void rejectKeyed(String name, byte[] key, RoutedRequest request, Reason reason) {
        entries.add(new Entry(name, Topics.ROUTED, key, avro(request), reason, null, null));
    }

    private Entry accept(String name, RoutedRequest.Builder request) {
        RoutedRequest built = request.build();
        Entry entry = new Entry(name, Topics.ROUTED, utf8(built.getAccountId()), avro(built), null, pricedOf(built), null);
        entries.add(entry);
        return entry;
    }

    private Priced pricedOf(RoutedRequest request) {
        Lane lane = PublishedPriceList.models().stream().filter(m -> m.getModelId().equals(request.getServedModel()))
                .map(m -> Lane.valueOf(m.getLane())).findFirst().orElseThrow();
        long perToken = switch (lane) {
            case EXPRESS -> 1_000;
            case DAILY_DRIVER -> 2_000;
            case DEEP_THOUGHT -> 4_000;
        };
        // rule 5, in java.time: the calendar month of completed_at in the account's zone
        YearMonth month = YearMonth.from(request.getCompletedAt().atZone(zones.get(request.getAccountId())));
        return new Priced(request.getRequestId(), request.getAccountId(), month,
                (request.getInputTokens() + request.getOutputTokens()) * perToken);
    }

    private RoutedRequest.Builder request(String account, String completedAt) {
        return RoutedRequest.newBuilder()
                .setRequestId("hostile-" + nextId++)
                .setAccountId(account)
                .setRequestedModel("flux-auto")
                .setServedModel("flux-express-small")
                .setLane(null)
                .setInputTokens(1_000)
                .setOutputTokens(500)
                .setCompletedAt(Instant.parse(completedAt))
                .setQuotedCostUsd(null);
    }

    private static LaneRate rate(String lane, String input, String output, String from) {
        return new LaneRate(lane, new BigDecimal(input), new BigDecimal(output), Instant.parse(from));
    }

    private static LaneRateKey keyOf(LaneRate rate) {
        return new LaneRateKey(rate.getLane(), rate.getEffectiveFrom());
    }

    private static AccountPlan plan(String account, String credit, String ceiling, String zone, String from) {
        return new AccountPlan(account, "p", new BigDecimal(credit).setScale(9),
                ceiling == null ? null : new BigDecimal(ceiling).setScale(9), zone, Instant.parse(from));
    }

    private static AccountPlanKey keyOf(AccountPlan plan) {
        return new AccountPlanKey(plan.getAccountId(), plan.getEffectiveFrom());
    }

    @SuppressWarnings("unchecked")
    private <T extends SpecificRecord> byte[] avro(T record) {
        return serdes.avro((Class<T>) record.getClass()).serializer().serialize(null, record);
    }

    private static byte[] string(String text) {
        return utf8(text);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] randomBytes(long seed, int length) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    public static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        ByteBuffer copy = buffer.duplicate();
        byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return out;
    }

    private static BigDecimal usd(long nanos) {
        return BigDecimal.valueOf(nanos, 9);
    }

    private static long nanos(BigDecimal usd) {
        return usd.setScale(9).unscaledValue().longValueExact();
    }
}
