package com.fluxrouter.billing.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fluxrouter.billing.schema.InvoiceLine;
import com.fluxrouter.billing.schema.RejectedRecord;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The JSON lines replay writes: every field in schema order, each kind of value in its documented form. */
class AvroJsonTest {
    private final AvroJson json = new AvroJson();
    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void aRecordIsOneObjectOfItsFieldsInSchemaOrderWithTimestampsAsIsoTextAndBytesAsBase64() throws Exception {
        byte[] value = "{\"request_id\": \"r-\u00e9\"}".getBytes(StandardCharsets.UTF_8);
        RejectedRecord rejected = RejectedRecord.newBuilder().setReason("MALFORMED")
                .setDetail("line 3: \"quoted\" \\ and \u00e9\t").setSourceTopic("flux.requests.routed")
                .setSourcePartition(2).setSourceOffset(1_234_567_890_123L)
                .setSourceTimestamp(Instant.parse("2026-09-01T00:00:05.270Z"))
                .setOriginalKey(null).setOriginalValue(ByteBuffer.wrap(value)).build();
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("reason", "MALFORMED");
        expected.put("detail", "line 3: \"quoted\" \\ and \u00e9\t");
        expected.put("source_topic", "flux.requests.routed");
        expected.put("source_partition", 2);
        expected.put("source_offset", 1_234_567_890_123L);
        expected.put("source_timestamp", "2026-09-01T00:00:05.270Z");
        expected.put("original_key", null);
        expected.put("original_value", java.util.Base64.getEncoder().encodeToString(value));
        assertThat(json.write(rejected)).isEqualTo(mapper.writeValueAsString(expected));
    }

    @Test
    void moneyIsDecimalTextWithoutTrailingZerosAndFlagsAreBooleans() throws Exception {
        InvoiceLine line = InvoiceLine.newBuilder().setAccountId("acct-1").setBillingMonth("2026-09")
                .setLineType("TOTAL").setLane(null).setRequests(3).setInputTokens(0).setOutputTokens(7)
                .setAmountUsd(new BigDecimal("12.500000000")).setAmountDueUsd(new BigDecimal("0E-9"))
                .setSupplemental(true).setInvoiceSet(1).build();
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("account_id", "acct-1");
        expected.put("billing_month", "2026-09");
        expected.put("line_type", "TOTAL");
        expected.put("lane", null);
        expected.put("requests", 3);
        expected.put("input_tokens", 0);
        expected.put("output_tokens", 7);
        expected.put("amount_usd", "12.5");
        expected.put("amount_due_usd", "0");
        expected.put("supplemental", true);
        expected.put("invoice_set", 1);
        String written = json.write(line);
        assertThat(written).isEqualTo(mapper.writeValueAsString(expected));
        // Read back, the same record (the decimals at their schema's scale again).
        assertThat(json.read(written, InvoiceLine.class)).isEqualTo(line);
    }

    @Test
    void aDecimalIsWrittenAsTheTextOfItsValueStrippedOfTrailingZeros() throws Exception {
        Random random = new Random(11);
        for (int i = 0; i < 100_000; i++) {
            BigInteger unscaled = switch (random.nextInt(5)) {
                case 0 -> BigInteger.ZERO;
                case 1 -> BigInteger.valueOf(random.nextInt(2_000) - 1_000).multiply(BigInteger.TEN.pow(random.nextInt(12)));
                case 2 -> BigInteger.valueOf(random.nextLong() / (1L << random.nextInt(63)));
                case 3 -> BigInteger.TEN.pow(random.nextInt(20)).subtract(BigInteger.valueOf(random.nextInt(2)));
                default -> new BigInteger(130, random).subtract(BigInteger.ONE.shiftLeft(129));
            };
            BigDecimal amount = new BigDecimal(random.nextBoolean() ? unscaled : unscaled.negate(), random.nextInt(30) - 8);
            InvoiceLine line = InvoiceLine.newBuilder().setAccountId("a").setBillingMonth("2026-09").setLineType("TOTAL")
                    .setRequests(0).setInputTokens(0).setOutputTokens(0).setAmountUsd(amount)
                    .setSupplemental(false).setInvoiceSet(0).build();
            assertThat(mapper.readTree(json.write(line)).get("amount_usd").textValue()).as(amount.toString())
                    .isEqualTo(amount.stripTrailingZeros().toPlainString());
        }
    }
}
