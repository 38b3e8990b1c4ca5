package com.fluxrouter.billing.intake;

import com.fluxrouter.billing.PipelineTest;
import com.fluxrouter.billing.catalog.PublishedPriceList;
import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.errors.Reason;
import com.fluxrouter.billing.pricing.Lane;
import com.fluxrouter.billing.schema.AccountPlan;
import com.fluxrouter.billing.schema.AccountPlanKey;
import com.fluxrouter.billing.schema.LaneRate;
import com.fluxrouter.billing.schema.LaneRateKey;
import com.fluxrouter.billing.schema.ModelLane;
import com.fluxrouter.billing.schema.OverageUpdate;
import com.fluxrouter.billing.schema.PricedRequest;
import com.fluxrouter.billing.schema.RejectedRecord;
import com.fluxrouter.billing.schema.RoutedRequest;
import com.fluxrouter.billing.topology.Topics;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rule 4 and every reason code: a bad record lands on flux.requests.rejected with its reason, the original bytes
 * and where it came from; the records around it are processed as if it had never been there.
 */
class RejectionBehaviourTest extends PipelineTest {
    /** The valid request sent before each bad one completes at this instant; the bad one a second later. */
    private static final Instant AROUND = Instant.parse("2026-11-10T10:00:00Z");
    private static final byte[] ACME = "acme".getBytes(StandardCharsets.UTF_8);

    private TestInputTopic<LaneRateKey, LaneRate> rawRates;
    private TestInputTopic<String, ModelLane> rawModels;
    private TestInputTopic<AccountPlanKey, AccountPlan> rawPlans;

    @BeforeEach
    void createCatalogTopicsWithFreeKeys() {
        rawRates = driver.createInputTopic(Topics.RATES, serdes.avro(LaneRateKey.class).serializer(),
                serdes.avro(LaneRate.class).serializer());
        rawModels = driver.createInputTopic(Topics.MODELS, new StringSerializer(), serdes.avro(ModelLane.class).serializer());
        rawPlans = driver.createInputTopic(Topics.PLANS, serdes.avro(AccountPlanKey.class).serializer(),
                serdes.avro(AccountPlan.class).serializer());
    }

    // ---- helpers

    /** A valid request completed at AROUND plus {@code seconds}. */
    private RoutedRequest.Builder valid(int seconds) {
        return request("acme", Lane.EXPRESS, 1_000, 1_000, AROUND.plusSeconds(seconds).toString());
    }

    /** The bad candidate: otherwise valid, completed one second after the first valid request. */
    private RoutedRequest.Builder candidate() {
        return valid(1);
    }

    private byte[] bytesOf(RoutedRequest request) {
        return serdes.avro(RoutedRequest.class).serializer().serialize(Topics.ROUTED, request);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        ByteBuffer copy = buffer.duplicate();
        byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return out;
    }

    /**
     * Sends a valid request (offset 0), the bad record (offset 1, by {@code sendBad}) and another valid request
     * (offset 2) on flux.requests.routed; asserts that exactly the two valid ones are priced and exactly one record
     * is rejected, from the routed topic, partition 0, offset 1, and returns it.
     */
    private RejectedRecord rejectedBetweenValidRequests(Runnable sendBad) {
        RoutedRequest before = valid(0).build();
        send(before);
        sendBad.run();
        RoutedRequest after = valid(2).build();
        send(after);

        assertThat(priced()).extracting(PricedRequest::getRequestId)
                .containsExactly(before.getRequestId(), after.getRequestId());
        List<RejectedRecord> rejected = rejected();
        assertThat(rejected).hasSize(1);
        RejectedRecord record = rejected.get(0);
        assertThat(record.getSourceTopic()).isEqualTo(Topics.ROUTED);
        assertThat(record.getSourcePartition()).isZero();
        assertThat(record.getSourceOffset()).isEqualTo(1L);
        return record;
    }

    /** Sends a typed bad request keyed by its account between two valid ones; asserts reason and original bytes. */
    private RejectedRecord assertRejected(RoutedRequest bad, Reason reason) {
        return assertRejected(bad.getAccountId(), bad, bad.getCompletedAt().plusSeconds(1), reason);
    }

    private RejectedRecord assertRejected(String key, RoutedRequest bad, Instant producedAt, Reason reason) {
        RejectedRecord record = rejectedBetweenValidRequests(() -> sendKeyed(key, bad, producedAt));
        assertThat(record.getReason()).isEqualTo(reason.name());
        assertThat(record.getDetail()).isNotBlank();
        assertThat(bytes(record.getOriginalValue())).isEqualTo(bytesOf(bad));
        assertThat(bytes(record.getOriginalKey()))
                .isEqualTo(key == null ? null : key.getBytes(StandardCharsets.UTF_8));
        assertThat(record.getSourceTimestamp()).isEqualTo(producedAt);
        return record;
    }

    private RejectedRecord assertRawRejected(byte[] value, Reason reason) {
        Instant producedAt = AROUND.plusSeconds(1);
        RejectedRecord record = rejectedBetweenValidRequests(() -> sendRaw(ACME, value, producedAt));
        assertThat(record.getReason()).isEqualTo(reason.name());
        assertThat(bytes(record.getOriginalValue())).isEqualTo(value);
        assertThat(bytes(record.getOriginalKey())).isEqualTo(ACME);
        assertThat(record.getSourceTimestamp()).isEqualTo(producedAt);
        return record;
    }

    static void assertFromTopic(RejectedRecord record, Reason reason, String topic, long offset, byte[] value) {
        assertThat(record.getReason()).isEqualTo(reason.name());
        assertThat(record.getDetail()).isNotBlank();
        assertThat(record.getSourceTopic()).isEqualTo(topic);
        assertThat(record.getSourcePartition()).isZero();
        assertThat(record.getSourceOffset()).isEqualTo(offset);
        assertThat(bytes(record.getOriginalValue())).isEqualTo(value);
    }

    // ---- MALFORMED

    @Test
    void garbageBytesAreRejectedAsMalformed() {
        assertRawRejected("definitely not avro".getBytes(StandardCharsets.UTF_8), Reason.MALFORMED);
    }

    @Test
    void aCompressibleValueOfSeveralMiBIsRejectedWithItsPrefixItsLengthAndItsHash() throws Exception {
        byte[] value = new byte[5 * 1024 * 1024];
        Arrays.fill(value, (byte) 'a');
        Instant producedAt = AROUND.plusSeconds(1);

        RejectedRecord record = rejectedBetweenValidRequests(() -> sendRaw(ACME, value, producedAt));

        assertThat(record.getReason()).isEqualTo(Reason.MALFORMED.name());
        assertThat(bytes(record.getOriginalValue()))
                .isEqualTo(Arrays.copyOf(value, com.fluxrouter.billing.errors.Rejections.MAX_KEPT_BYTES - ACME.length));
        String sha256 = java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(value));
        assertThat(record.getDetail()).contains("5242880 bytes", sha256, Topics.ROUTED + "-0@1");
        assertThat(bytes(record.getOriginalKey())).isEqualTo(ACME);
    }

    @Test
    void emptyValueIsRejectedAsMalformed() {
        assertRawRejected(new byte[0], Reason.MALFORMED);
    }

    @Test
    void nullValueIsRejectedAsMalformed() {
        RejectedRecord record = assertRawRejected(null, Reason.MALFORMED);
        assertThat(record.getOriginalValue()).isNull();
    }

    @Test
    void truncatedRequestIsRejectedAsMalformed() {
        byte[] whole = bytesOf(candidate().build());
        assertRawRejected(Arrays.copyOf(whole, whole.length / 2), Reason.MALFORMED);
    }

    @Test
    void recordOfAnotherSchemaIsRejectedAsMalformed() {
        byte[] model = serdes.avro(ModelLane.class).serializer()
                .serialize(Topics.MODELS, new ModelLane("flux-express-small", "EXPRESS"));
        assertRawRejected(model, Reason.MALFORMED);
    }

    @Test
    void requestFollowedByTrailingBytesIsRejectedAsMalformed() {
        byte[] whole = bytesOf(candidate().build());
        assertRawRejected(Arrays.copyOf(whole, whole.length + 3), Reason.MALFORMED);
    }

    @Test
    void twoRequestsInOneValueAreRejectedAsMalformedRatherThanTheSecondDropped() {
        byte[] first = bytesOf(candidate().build());
        byte[] second = bytesOf(candidate().build());
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        assertRawRejected(both, Reason.MALFORMED);
    }

    // ---- MISSING_ID

    @Test
    void emptyRequestIdIsRejectedAsMissingId() {
        assertRejected(candidate().setRequestId("").build(), Reason.MISSING_ID);
    }

    @Test
    void blankRequestIdIsRejectedAsMissingId() {
        assertRejected(candidate().setRequestId("   ").build(), Reason.MISSING_ID);
    }

    @Test
    void emptyAccountIdIsRejectedAsMissingId() {
        assertRejected(candidate().setAccountId("").build(), Reason.MISSING_ID);
    }

    // ---- INVALID_ID

    @Test
    void requestIdWithAControlCharacterIsRejectedAsInvalidId() {
        assertRejected(candidate().setRequestId("req\u0000-1").build(), Reason.INVALID_ID);
    }

    @Test
    void accountIdWithANewlineIsRejectedAsInvalidId() {
        assertRejected(candidate().setAccountId("acme\nbeta").build(), Reason.INVALID_ID);
    }

    @Test
    void requestIdOf300CharactersIsRejectedAsInvalidId() {
        assertRejected(candidate().setRequestId("r".repeat(300)).build(), Reason.INVALID_ID);
    }

    @Test
    void requestIdOfExactly256CharactersIsAccepted() {
        send(candidate().setRequestId("r".repeat(256)));

        assertThat(rejected()).isEmpty();
        assertThat(priced()).extracting(PricedRequest::getRequestId).containsExactly("r".repeat(256));
    }

    /** U+1F600, outside the Basic Multilingual Plane: one code point, two UTF-16 units, four UTF-8 bytes. */
    private static final String EMOJI = "\uD83D\uDE00";

    private static String emoji(int codePoints) {
        String id = EMOJI.repeat(codePoints);
        assertThat(id.codePointCount(0, id.length())).isEqualTo(codePoints);
        assertThat(id.length()).isEqualTo(2 * codePoints);
        return id;
    }

    @Test
    void requestIdOf256EmojiIsAcceptedBecauseTheLimitCountsCodePoints() {
        send(candidate().setRequestId(emoji(256)));

        assertThat(rejected()).isEmpty();
        assertThat(priced()).extracting(PricedRequest::getRequestId).containsExactly(emoji(256));
    }

    @Test
    void requestIdOf257EmojiIsRejectedAsInvalidId() {
        RejectedRecord record = assertRejected(candidate().setRequestId(emoji(257)).build(), Reason.INVALID_ID);
        assertThat(record.getDetail()).contains("256 code points");
    }

    @Test
    void accountIdOf256EmojiIsAcceptedBecauseTheLimitCountsCodePoints() {
        String account = emoji(256);
        send(request(account, Lane.EXPRESS, 1_000, 0, AROUND.toString()));

        assertThat(rejected()).isEmpty();
        assertThat(priced()).singleElement().satisfies(p -> {
            assertThat(p.getAccountId()).isEqualTo(account);
            assertThat(p.getCostUsd()).isEqualTo(usd("0.001"));
        });
    }

    @Test
    void accountIdOf257EmojiIsRejectedAsInvalidId() {
        RejectedRecord record = assertRejected(candidate().setAccountId(emoji(257)).build(), Reason.INVALID_ID);
        assertThat(record.getDetail()).contains("account_id", "256 code points");
    }

    @Test
    void requestIdWithInvalidUtf8IsRejectedAsInvalidId() {
        byte[] value = bytesOf(candidate().setRequestId("req-utf8-Z").build());
        byte[] id = "req-utf8-Z".getBytes(StandardCharsets.UTF_8);
        int at = indexOf(value, id);
        assertThat(at).isNotNegative();
        value[at + id.length - 1] = (byte) 0xFF; // a lone 0xFF is never valid UTF-8

        assertRawRejected(value, Reason.INVALID_ID);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    // ---- KEY_MISMATCH

    @Test
    void requestWithoutARecordKeyIsRejectedAsKeyMismatch() {
        RoutedRequest bad = candidate().build();
        RejectedRecord record = assertRejected(null, bad, bad.getCompletedAt().plusSeconds(1), Reason.KEY_MISMATCH);
        assertThat(record.getOriginalKey()).isNull();
    }

    @Test
    void requestKeyedByAnotherAccountIsRejectedAsKeyMismatch() {
        RoutedRequest bad = candidate().build();
        assertRejected("globex", bad, bad.getCompletedAt().plusSeconds(1), Reason.KEY_MISMATCH);
    }

    // ---- INVALID_TOKENS

    @Test
    void negativeInputTokensAreRejectedAsInvalidTokens() {
        assertRejected(candidate().setInputTokens(-1).build(), Reason.INVALID_TOKENS);
    }

    @Test
    void outputTokensOverTenMillionAreRejectedAsInvalidTokens() {
        assertRejected(candidate().setOutputTokens(10_000_001).build(), Reason.INVALID_TOKENS);
    }

    @Test
    void longMaxValueTokensAreRejectedAsInvalidTokens() {
        assertRejected(candidate().setInputTokens(Long.MAX_VALUE).build(), Reason.INVALID_TOKENS);
    }

    @Test
    void longMinValueTokensAreRejectedAsInvalidTokens() {
        assertRejected(candidate().setOutputTokens(Long.MIN_VALUE).build(), Reason.INVALID_TOKENS);
    }

    @Test
    void exactlyTenMillionTokensEachWayAreAccepted() {
        send(candidate().setInputTokens(10_000_000).setOutputTokens(10_000_000));

        assertThat(rejected()).isEmpty();
        assertThat(priced()).singleElement().satisfies(p -> assertThat(p.getCostUsd()).isEqualTo(usd("20")));
    }

    // ---- FUTURE_TIMESTAMP

    @Test
    void completedMoreThanFiveMinutesAfterBeingProducedIsRejectedAsFutureTimestamp() {
        RoutedRequest bad = candidate().build();
        Instant producedAt = bad.getCompletedAt().minus(Duration.ofMinutes(5)).minusMillis(1);
        assertRejected(bad.getAccountId(), bad, producedAt, Reason.FUTURE_TIMESTAMP);
    }

    @Test
    void completedExactlyFiveMinutesAfterBeingProducedIsAccepted() {
        RoutedRequest request = candidate().build();
        sendKeyed("acme", request, request.getCompletedAt().minus(Duration.ofMinutes(5)));

        assertThat(rejected()).isEmpty();
        assertThat(priced()).extracting(PricedRequest::getRequestId).containsExactly(request.getRequestId());
    }

    // ---- INVALID_TIMESTAMP

    @Test
    void completedBefore2020IsRejectedAsInvalidTimestamp() {
        assertRejected(candidate().setCompletedAt(Instant.parse("2019-12-31T23:59:59.999Z")).build(),
                Reason.INVALID_TIMESTAMP);
    }

    @Test
    void completedAtTheEpochIsRejectedAsInvalidTimestamp() {
        assertRejected(candidate().setCompletedAt(Instant.EPOCH).build(), Reason.INVALID_TIMESTAMP);
    }

    @Test
    void completedExactlyAtTheEarliestValidTimeIsAccepted() {
        send(request("acme", Lane.EXPRESS, 1_000_000, 0, "2020-01-01T00:00:00Z"));

        assertThat(rejected()).isEmpty();
        assertThat(priced()).singleElement().satisfies(p -> {
            assertThat(p.getBillingMonth()).isEqualTo("2020-01");
            assertThat(p.getCostUsd()).isEqualTo(usd("1"));
        });
    }

    // ---- UNKNOWN_MODEL, UNKNOWN_LANE

    @Test
    void unknownModelWithoutALaneClaimIsRejectedAsUnknownModel() {
        assertRejected(candidate().setServedModel("flux-next-gen").setLane(null).build(), Reason.UNKNOWN_MODEL);
    }

    @Test
    void unknownModelIsPricedOnceTheCatalogLearnsItAndTheSameBytesAreReplayed() {
        RoutedRequest bad = candidate().setServedModel("flux-next-gen").setLane(null)
                .setInputTokens(1_000_000).setOutputTokens(500_000).build();
        RejectedRecord record = assertRejected(bad, Reason.UNKNOWN_MODEL);

        publishModel(new ModelLane("flux-next-gen", Lane.DEEP_THOUGHT.name()));
        sendRaw(bytes(record.getOriginalKey()), bytes(record.getOriginalValue()), AROUND.plusSeconds(60));

        assertThat(rejected()).isEmpty();
        assertThat(priced()).singleElement().satisfies(p -> {
            assertThat(p.getRequestId()).isEqualTo(bad.getRequestId());
            assertThat(p.getLane()).isEqualTo("DEEP_THOUGHT");
            assertThat(p.getLaneSource()).isEqualTo("CATALOG");
            assertThat(p.getCostUsd()).isEqualTo(usd("6"));
        });
    }

    @Test
    void unknownModelWithALaneClaimThatIsNotALaneIsRejectedAsUnknownLane() {
        assertRejected(candidate().setServedModel("flux-next-gen").setLane("TURBO").build(), Reason.UNKNOWN_LANE);
    }

    @Test
    void unknownModelWithALowercaseLaneClaimIsRejectedAsUnknownLane() {
        assertRejected(candidate().setServedModel("flux-next-gen").setLane("express").build(), Reason.UNKNOWN_LANE);
    }

    // ---- NO_RATE

    @Test
    void laneWhoseOnlyRateStartsAfterCompletionIsRejectedAsNoRate() {
        rawRates.pipeInput(new LaneRateKey(Lane.DAILY_DRIVER.name(),
                PublishedPriceList.EFFECTIVE_FROM), null, WALL_CLOCK_START);
        publishRate(rate(Lane.DAILY_DRIVER, "2.5", "2.5", "2026-11-15T00:00:00Z"));

        assertRejected(request("acme", Lane.DAILY_DRIVER, 1_000, 1_000, AROUND.plusSeconds(1).toString()).build(),
                Reason.NO_RATE);

        send(request("acme", Lane.DAILY_DRIVER, 1_000_000, 0, "2026-11-15T00:00:00Z"));
        assertThat(priced()).singleElement().satisfies(p -> assertThat(p.getCostUsd()).isEqualTo(usd("2.5")));
    }

    // ---- INVALID_RATE (flux.catalog.rates)

    /** Bad Express versions are rejected from the rates topic and never price anything; good ones around them do. */
    private void assertRatesRejected(List<LaneRateKey> keys, List<LaneRate> bad) {
        // offsets 0..2 are the published price list
        publishRate(rate(Lane.EXPRESS, "3", "3", "2026-11-01T00:00:00Z"));                 // offset 3
        for (int i = 0; i < bad.size(); i++) {
            rawRates.pipeInput(keys.get(i), bad.get(i), WALL_CLOCK_START);                // offsets 4..
        }
        publishRate(rate(Lane.DAILY_DRIVER, "5", "5", "2026-11-01T00:00:00Z"));

        send(request("acme", Lane.EXPRESS, 1_000_000, 0, "2026-11-10T10:00:00Z"));
        send(request("acme", Lane.DAILY_DRIVER, 1_000_000, 0, "2026-11-10T10:00:01Z"));

        assertThat(priced()).extracting(PricedRequest::getCostUsd).containsExactly(usd("3"), usd("5"));
        List<RejectedRecord> rejected = rejected();
        assertThat(rejected).hasSize(bad.size());
        for (int i = 0; i < bad.size(); i++) {
            assertFromTopic(rejected.get(i), Reason.INVALID_RATE, Topics.RATES, 4 + i,
                    serdes.avro(LaneRate.class).serializer().serialize(Topics.RATES, bad.get(i)));
        }
    }

    private static LaneRateKey keyOf(LaneRate rate) {
        return new LaneRateKey(rate.getLane(), rate.getEffectiveFrom());
    }

    @Test
    void negativeRateIsRejectedAsInvalidRate() {
        LaneRate negative = rate(Lane.EXPRESS, "-1", "1", "2026-11-05T00:00:00Z");
        LaneRate negativeOutput = rate(Lane.EXPRESS, "1", "-0.001", "2026-11-06T00:00:00Z");
        assertRatesRejected(List.of(keyOf(negative), keyOf(negativeOutput)), List.of(negative, negativeOutput));
    }

    @Test
    void rateWithFourDecimalPlacesIsRejectedAsInvalidRate() {
        LaneRate input = rate(Lane.EXPRESS, "1.0005", "1", "2026-11-05T00:00:00Z");
        LaneRate output = rate(Lane.EXPRESS, "1", "0.0001", "2026-11-06T00:00:00Z");
        assertRatesRejected(List.of(keyOf(input), keyOf(output)), List.of(input, output));
    }

    @Test
    void rateAboveOneMillionDollarsPerMillionTokensIsRejectedAsInvalidRate() {
        LaneRate huge = rate(Lane.EXPRESS, "1000000.001", "1", "2026-11-05T00:00:00Z");
        assertRatesRejected(List.of(keyOf(huge)), List.of(huge));
    }

    @Test
    void rateWhoseKeyDoesNotMatchItsLaneAndStartIsRejectedAsInvalidRate() {
        LaneRate rate = rate(Lane.EXPRESS, "7", "7", "2026-11-05T00:00:00Z");
        LaneRateKey otherStart = new LaneRateKey(Lane.EXPRESS.name(), Instant.parse("2026-11-06T00:00:00Z"));
        LaneRateKey otherLane = new LaneRateKey(Lane.DAILY_DRIVER.name(), rate.getEffectiveFrom());
        assertRatesRejected(Arrays.asList(otherStart, otherLane, null), List.of(rate, rate, rate));
    }

    @Test
    void rateOfAnUnknownLaneIsRejectedAsInvalidRate() {
        LaneRate turbo = new LaneRate("TURBO", usd("1"), usd("1"), Instant.parse("2026-11-05T00:00:00Z"));
        assertRatesRejected(List.of(keyOf(turbo)), List.of(turbo));
    }

    @Test
    void malformedRateIsRejectedAsMalformed() {
        TestInputTopic<byte[], byte[]> bytesRates = driver.createInputTopic(Topics.RATES,
                new ByteArraySerializer(), new ByteArraySerializer());
        byte[] garbage = {1, 2, 3};
        bytesRates.pipeInput(new byte[] {9}, garbage, WALL_CLOCK_START);
        send(request("acme", Lane.EXPRESS, 1_000_000, 0, "2026-11-10T10:00:00Z"));

        assertThat(priced()).extracting(PricedRequest::getCostUsd).containsExactly(usd("1"));
        assertThat(rejected()).singleElement()
                .satisfies(r -> assertFromTopic(r, Reason.MALFORMED, Topics.RATES, 3, garbage));
    }

    // ---- INVALID_MODEL (flux.catalog.models)

    @Test
    void modelOfAnUnknownLaneIsRejectedAsInvalidModel() {
        ModelLane turbo = new ModelLane("flux-express-small", "TURBO");
        rawModels.pipeInput(turbo.getModelId(), turbo, WALL_CLOCK_START); // offsets 0..5 are the published models
        publishModel(new ModelLane("flux-next-gen", Lane.DAILY_DRIVER.name()));
        send(request("acme", Lane.EXPRESS, 1_000_000, 0, "2026-11-10T10:00:00Z"));
        send(request("acme", Lane.EXPRESS, 1_000_000, 0, "2026-11-10T10:00:01Z").setServedModel("flux-next-gen"));

        assertThat(priced()).extracting(PricedRequest::getLane).containsExactly("EXPRESS", "DAILY_DRIVER");
        assertThat(rejected()).singleElement().satisfies(r -> assertFromTopic(r, Reason.INVALID_MODEL, Topics.MODELS, 6,
                serdes.avro(ModelLane.class).serializer().serialize(Topics.MODELS, turbo)));
    }

    @Test
    void modelWhoseKeyIsAnotherModelIsRejectedAsInvalidModel() {
        ModelLane model = new ModelLane("flux-express-small", Lane.DEEP_THOUGHT.name());
        rawModels.pipeInput("deepseek-r1", model, WALL_CLOCK_START);
        send(request("acme", Lane.EXPRESS, 1_000_000, 0, "2026-11-10T10:00:00Z"));

        assertThat(priced()).extracting(PricedRequest::getLane).containsExactly("EXPRESS");
        assertThat(rejected()).singleElement().satisfies(r -> assertFromTopic(r, Reason.INVALID_MODEL, Topics.MODELS, 6,
                serdes.avro(ModelLane.class).serializer().serialize(Topics.MODELS, model)));
    }

    @Test
    void modelWithABlankIdIsRejectedAsInvalidModel() {
        ModelLane model = new ModelLane(" ", Lane.EXPRESS.name());
        rawModels.pipeInput(" ", model, WALL_CLOCK_START);

        assertThat(rejected()).singleElement().satisfies(r -> assertFromTopic(r, Reason.INVALID_MODEL, Topics.MODELS, 6,
                serdes.avro(ModelLane.class).serializer().serialize(Topics.MODELS, model)));
    }

    // ---- INVALID_PLAN (flux.accounts.plans)

    /**
     * acme's valid plan gives $2 of credit; each bad version would give much more if it were applied. A $3 month
     * then shows $1 of overage only if every bad version was rejected.
     */
    private void assertPlansRejected(AccountPlan... bad) {
        publishPlan(plan("acme", "Starter", "2", null, null, "2026-01-01T00:00:00Z"));   // offset 0
        for (AccountPlan plan : bad) {
            publishPlan(plan);                                                            // offsets 1..
        }
        send(request("acme", Lane.EXPRESS, 3_000_000, 0, "2026-11-10T10:00:00Z"));

        assertThat(priced()).hasSize(1);
        List<OverageUpdate> overage = overage();
        assertThat(overage).singleElement().satisfies(o -> {
            assertThat(o.getIncludedCreditUsd()).isEqualTo(usd("2"));
            assertThat(o.getOverageUsd()).isEqualTo(usd("1"));
        });
        List<RejectedRecord> rejected = rejected();
        assertThat(rejected).hasSize(bad.length);
        for (int i = 0; i < bad.length; i++) {
            assertFromTopic(rejected.get(i), Reason.INVALID_PLAN, Topics.PLANS, 1 + i,
                    serdes.avro(AccountPlan.class).serializer().serialize(Topics.PLANS, bad[i]));
        }
    }

    @Test
    void planWithNegativeCreditIsRejectedAsInvalidPlan() {
        assertPlansRejected(plan("acme", "Broken", "-1", null, null, "2026-11-01T00:00:00Z"));
    }

    @Test
    void planWithNegativeCeilingIsRejectedAsInvalidPlan() {
        assertPlansRejected(plan("acme", "Broken", "0", "-5", null, "2026-11-01T00:00:00Z"));
    }

    @Test
    void planWithCeilingBelowCreditIsRejectedAsInvalidPlan() {
        assertPlansRejected(plan("acme", "Broken", "100", "50", null, "2026-11-01T00:00:00Z"));
    }

    @Test
    void planWithAZoneThatIsNotAnIanaZoneIsRejectedAsInvalidPlan() {
        assertPlansRejected(plan("acme", "Broken", "100", null, "Mars/Olympus_Mons", "2026-11-01T00:00:00Z"),
                plan("acme", "Broken", "100", null, "", "2026-11-02T00:00:00Z"));
    }

    @Test
    void planWhoseKeyDoesNotMatchIsRejectedAsInvalidPlan() {
        publishPlan(plan("acme", "Starter", "2", null, null, "2026-01-01T00:00:00Z"));
        AccountPlan bad = plan("acme", "Broken", "100", null, null, "2026-11-01T00:00:00Z");
        rawPlans.pipeInput(new AccountPlanKey("globex", bad.getEffectiveFrom()), bad, WALL_CLOCK_START);
        send(request("acme", Lane.EXPRESS, 3_000_000, 0, "2026-11-10T10:00:00Z"));

        assertThat(overage()).singleElement().satisfies(o -> assertThat(o.getOverageUsd()).isEqualTo(usd("1")));
        assertThat(rejected()).singleElement().satisfies(r -> assertFromTopic(r, Reason.INVALID_PLAN, Topics.PLANS, 1,
                serdes.avro(AccountPlan.class).serializer().serialize(Topics.PLANS, bad)));
    }

    // ---- TOO_LATE

    @Test
    void requestMoreThan35DaysBehindTheLatestAcceptedCompletionIsRejectedAsTooLate() {
        // the first valid request puts the billing clock at AROUND
        assertRejected(candidate().setCompletedAt(AROUND.minus(Duration.ofDays(35)).minusMillis(1)).build(),
                Reason.TOO_LATE);
    }

    @Test
    void requestExactly35DaysBehindTheLatestAcceptedCompletionIsAccepted() {
        send(valid(0));
        RoutedRequest late = candidate().setCompletedAt(AROUND.minus(Duration.ofDays(35))).build();
        send(late);

        assertThat(rejected()).isEmpty();
        assertThat(priced()).extracting(PricedRequest::getRequestId).endsWith(late.getRequestId());
    }

    // ---- ACCOUNT_MONTH_LIMIT (rule 7: an account-month holds at most $9,000,000,000 of usage)

    /** The largest valid request: 10,000,000 tokens each way at the largest valid rate, $1,000,000 per 1M tokens. */
    private static final BigDecimal LARGEST_COST = new BigDecimal("1000000").multiply(new BigDecimal("20000000"))
            .movePointLeft(6);
    private static final BigDecimal MONTH_LIMIT = new BigDecimal("9000000000");

    private void publishLargestExpressRate() {
        publishRate(rate(Lane.EXPRESS, "1000000", "1000000", "2026-11-01T00:00:00Z"));
    }

    private RoutedRequest largest(int i) {
        return request("acme", Lane.EXPRESS, 10_000_000, 10_000_000, AROUND.plusSeconds(i).toString())
                .setRequestId("req-big-" + i).build();
    }

    /** How many of the largest requests fill a month exactly to the limit: 450. */
    private static int largestThatFit() {
        return MONTH_LIMIT.divide(LARGEST_COST).intValueExact();
    }

    @Test
    void requestsAtTheAllowedMaximaFillAMonthToItsLimitAndTheRestAreRejectedAsAccountMonthLimitNotProcessingError() {
        publishLargestExpressRate();
        for (int i = 0; i < 462; i++) {
            send(largest(i));
        }

        List<PricedRequest> priced = priced();
        assertThat(priced).hasSize(largestThatFit()).allSatisfy(p -> assertThat(p.getCostUsd()).isEqualTo(LARGEST_COST.setScale(9)));
        assertThat(overage()).extracting(OverageUpdate::getUsageUsd).last().isEqualTo(MONTH_LIMIT.setScale(9));
        List<RejectedRecord> rejected = rejected();
        assertThat(rejected).hasSize(462 - largestThatFit()).allSatisfy(r -> {
            assertThat(r.getReason()).isEqualTo(Reason.ACCOUNT_MONTH_LIMIT.name());
            assertThat(r.getDetail()).contains("2026-11").contains("9000000000");
            assertThat(r.getSourceTopic()).isEqualTo(Topics.ROUTED);
        });
        assertThat(rejected.get(0).getSourceOffset()).isEqualTo(largestThatFit());
        assertThat(bytes(rejected.get(0).getOriginalValue())).isEqualTo(bytesOf(largest(largestThatFit())));
        assertThat(priced).extracting(PricedRequest::getRequestId)
                .doesNotContainAnyElementsOf(rejected.stream().map(r -> requestIdOf(r)).toList());
    }

    @Test
    void aMonthAtItsLimitRejectsOneMoreNanoDollarButPricesAFreeRequestAndOtherMonthsAreUnaffected() {
        publishLargestExpressRate();
        // $0.001 per 1M tokens: one token costs one nano-dollar
        publishRate(rate(Lane.DAILY_DRIVER, "0.001", "0.001", "2026-11-01T00:00:00Z"));
        for (int i = 0; i < largestThatFit(); i++) {
            send(largest(i));
        }
        assertThat(priced()).hasSize(largestThatFit());
        overage();

        RoutedRequest oneNano = request("acme", Lane.DAILY_DRIVER, 1, 0, AROUND.plusSeconds(500).toString()).build();
        send(oneNano);
        RoutedRequest free = request("acme", Lane.DAILY_DRIVER, 0, 0, AROUND.plusSeconds(501).toString()).build();
        send(free);
        RoutedRequest december = request("acme", Lane.EXPRESS, 10_000_000, 10_000_000, "2026-12-02T00:00:00Z").build();
        send(december);

        assertThat(rejected()).singleElement().satisfies(r -> {
            assertThat(r.getReason()).isEqualTo(Reason.ACCOUNT_MONTH_LIMIT.name());
            assertThat(requestIdOf(r)).isEqualTo(oneNano.getRequestId());
        });
        assertThat(priced()).extracting(PricedRequest::getRequestId, PricedRequest::getBillingMonth, PricedRequest::getCostUsd)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(free.getRequestId(), "2026-11", usd("0")),
                        org.assertj.core.groups.Tuple.tuple(december.getRequestId(), "2026-12", LARGEST_COST.setScale(9)));
    }

    @Test
    void requestRejectedAtTheLimitLeavesNoTraceAndIsPricedOnceItFits() {
        publishLargestExpressRate();
        for (int i = 0; i <= largestThatFit(); i++) {
            send(largest(i));
        }
        assertThat(rejected()).extracting(RejectedRecord::getReason).containsExactly(Reason.ACCOUNT_MONTH_LIMIT.name());
        priced();

        // same request_id, fixed so that it fits: it was never accepted, so it is no duplicate
        send(request("acme", Lane.EXPRESS, 0, 0, AROUND.plusSeconds(largestThatFit()).toString())
                .setRequestId("req-big-" + largestThatFit()));

        assertThat(rejected()).isEmpty();
        assertThat(priced()).extracting(PricedRequest::getRequestId).containsExactly("req-big-" + largestThatFit());
    }

    private RoutedRequest decoded(RejectedRecord record) {
        return serdes.avro(RoutedRequest.class).deserializer().deserialize(Topics.ROUTED, bytes(record.getOriginalValue()));
    }

    private String requestIdOf(RejectedRecord record) {
        return decoded(record).getRequestId();
    }

    // ---- a rejected request leaves no trace

    @Test
    void rejectedRequestFixedAndSentAgainWithTheSameIdIsPricedOnce() {
        RoutedRequest bad = candidate().setRequestId("req-fixme").setInputTokens(-5).build();
        send(bad);
        RoutedRequest fixed = RoutedRequest.newBuilder(bad).setInputTokens(5).build();
        send(fixed);
        send(fixed);

        assertThat(rejected()).extracting(RejectedRecord::getReason).containsExactly(Reason.INVALID_TOKENS.name());
        assertThat(priced()).singleElement().satisfies(p -> {
            assertThat(p.getRequestId()).isEqualTo("req-fixme");
            assertThat(p.getInputTokens()).isEqualTo(5);
        });
    }

    @Test
    void requestRejectedForAnUnknownModelAndFixedWithALaneClaimIsPricedOnce() {
        RoutedRequest bad = candidate().setRequestId("req-unknown").setServedModel("flux-next-gen").build();
        send(bad);
        send(RoutedRequest.newBuilder(bad).setLane(Lane.EXPRESS.name()).build());

        assertThat(rejected()).extracting(RejectedRecord::getReason).containsExactly(Reason.UNKNOWN_MODEL.name());
        assertThat(priced()).extracting(PricedRequest::getRequestId).containsExactly("req-unknown");
    }

    @Test
    void requestRejectedAsTooLateAndSentAgainWithACurrentTimestampIsPricedOnce() {
        send(valid(0));
        RoutedRequest late = candidate().setRequestId("req-late")
                .setCompletedAt(AROUND.minus(Duration.ofDays(40))).build();
        send(late);
        send(RoutedRequest.newBuilder(late).setCompletedAt(AROUND.plusSeconds(5)).build());

        assertThat(rejected()).extracting(RejectedRecord::getReason).containsExactly(Reason.TOO_LATE.name());
        assertThat(priced()).extracting(PricedRequest::getRequestId).containsExactly("req-1", "req-late");
    }

    @Test
    void rejectedRequestsDoNotMoveTheBillingClock() {
        publishPlan(plan("acme", "Starter", "1", null, null, "2026-01-01T00:00:00Z"));
        send(valid(0));
        // all completed well after November's close (Dec 1 + 24 h), all rejected
        Instant december = Instant.parse("2026-12-20T00:00:00Z");
        send(request("acme", Lane.EXPRESS, 1, 1, december.toString()).setServedModel("flux-next-gen"));
        send(request("acme", Lane.EXPRESS, -1, 1, december.toString()));
        send(request("acme", Lane.EXPRESS, 1, 1, december.toString()).setLane("TURBO").setServedModel("x"));
        send(valid(5));

        assertThat(rejected()).hasSize(3);
        assertThat(invoiceLines()).isEmpty();
        assertThat(priced()).extracting(PricedRequest::getBillingMonth).containsExactly("2026-11", "2026-11");
    }
}
