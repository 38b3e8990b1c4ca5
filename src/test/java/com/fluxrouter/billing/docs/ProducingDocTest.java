package com.fluxrouter.billing.docs;

import com.fluxrouter.billing.schema.AccountMonthKey;
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
import com.fluxrouter.billing.schema.SpendAlert;
import com.fluxrouter.billing.schema.SpendStatus;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.serde.WireFormat;
import com.fluxrouter.billing.topology.TopicSchemas;
import com.fluxrouter.billing.topology.Topics;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/producing.md cannot go stale: its fingerprint table and its worked byte example are generated here and the
 * test fails when the document says anything else. The expected text is printed in the failure: paste it between
 * the markers after a deliberate schema change (and tell the producers: a new fingerprint is a new header).
 *
 * <p>Independent of the production serdes: the fingerprint is computed here with CRC-64-AVRO as the Avro
 * specification gives it (the same few lines the Python and Node examples carry), and the example's bytes are
 * assembled field by field by hand (zig-zag varints, length-prefixed strings, union branches, two's-complement
 * decimals) and only then compared with what the generated class and the pipeline's serde write.
 */
class ProducingDocTest {
    private static final Path DOC = Path.of("docs/producing.md");

    /** The contract schemas by topic role, explicitly: internal state schemas are not a producer's business. */
    private static final Map<Schema, String> CONTRACT = contract();

    private static Map<Schema, String> contract() {
        Map<Schema, String> contract = new LinkedHashMap<>();
        contract.put(RoutedRequest.getClassSchema(), "`" + Topics.ROUTED + "` value");
        contract.put(ModelLane.getClassSchema(), "`" + Topics.MODELS + "` value");
        contract.put(LaneRateKey.getClassSchema(), "`" + Topics.RATES + "` key");
        contract.put(LaneRate.getClassSchema(), "`" + Topics.RATES + "` value");
        contract.put(AccountPlanKey.getClassSchema(), "`" + Topics.PLANS + "` key");
        contract.put(AccountPlan.getClassSchema(), "`" + Topics.PLANS + "` value");
        contract.put(PricedRequest.getClassSchema(), "`" + Topics.PRICED + "` value");
        contract.put(AccountMonthKey.getClassSchema(), "key of `" + Topics.OVERAGE + "`, `" + Topics.ALERTS
                + "`, `" + Topics.INVOICE_LINES + "`");
        contract.put(OverageUpdate.getClassSchema(), "`" + Topics.OVERAGE + "` value");
        contract.put(SpendAlert.getClassSchema(), "`" + Topics.ALERTS + "` value");
        contract.put(InvoiceLine.getClassSchema(), "`" + Topics.INVOICE_LINES + "` value");
        contract.put(RejectedRecord.getClassSchema(), "`" + Topics.REJECTED + "` value");
        contract.put(SpendStatus.getClassSchema(), "`" + Topics.SPEND_STATUS + "` value");
        return contract;
    }

    /** The worked example of the document: one request as a router would send it. */
    static RoutedRequest example() {
        return RoutedRequest.newBuilder()
                .setRequestId("r-1")
                .setAccountId("acme")
                .setRequestedModel("flux-auto")
                .setServedModel("deepseek-r1")
                .setLane(null)
                .setInputTokens(1200)
                .setOutputTokens(300)
                .setCompletedAt(Instant.parse("2026-11-02T10:15:30.123Z"))
                .setQuotedCostUsd(new BigDecimal("0.006000000"))
                .build();
    }

    @Test
    void contractListIsEveryRecordTypeOfTheTopicContract() {
        Set<String> topicContract = TopicSchemas.all().values().stream().map(Schema::getFullName)
                .collect(Collectors.toSet());
        topicContract.add(RoutedRequest.getClassSchema().getFullName());

        assertThat(CONTRACT.keySet().stream().map(Schema::getFullName)).containsExactlyInAnyOrderElementsOf(topicContract);
    }

    @Test
    void fingerprintTableIsTheCrc64OfEachContractSchemasCanonicalForm() throws Exception {
        assertThat(section("fingerprints")).as("generated table:%n%s", fingerprintTable()).isEqualTo(fingerprintTable());
    }

    @Test
    void handWrittenCrc64AgreesWithAvrosOwn() {
        CONTRACT.keySet().forEach(schema -> assertThat(crc64Avro(SchemaNormalization.toParsingForm(schema)))
                .as(schema.getName()).isEqualTo(SchemaNormalization.parsingFingerprint64(schema)));
    }

    @Test
    void workedExampleIsWhatTheHandEncodingAndThePipelineBothWrite() throws Exception {
        List<String[]> fields = handEncodedFields();
        byte[] body = concat(fields);
        byte[] header = header(RoutedRequest.getClassSchema());

        byte[] pipeline = new Serdes(WireFormat.SINGLE_OBJECT).avro(RoutedRequest.class).serializer()
                .serialize(Topics.ROUTED, example());
        byte[] generated = RoutedRequest.getEncoder().encode(example()).array();

        assertThat(hex(pipeline)).isEqualTo(hex(header) + hex(body));
        assertThat(hex(generated)).isEqualTo(hex(pipeline));
        assertThat(section("example-bytes")).as("generated example:%n%s", exampleSection(fields, header))
                .isEqualTo(exampleSection(fields, header));
    }

    @Test
    void decimalExampleIsTheTwosComplementOfTheUnscaledValue() {
        // 0.006 USD at scale 9 is 6,000,000 nano-dollars: 0x5B8D80, whose top bit is clear, so three bytes.
        BigInteger unscaled = new BigDecimal("0.006").setScale(9).unscaledValue();

        assertThat(unscaled).isEqualTo(BigInteger.valueOf(6_000_000));
        assertThat(hex(unscaled.toByteArray())).isEqualTo("5b8d80");
        // A negative amount (never on the routed topic; an upgrade's overage_delta_usd) keeps the sign bit: -1e-9.
        assertThat(hex(new BigDecimal("-0.000000001").setScale(9).unscaledValue().toByteArray())).isEqualTo("ff");
        assertThat(hex(new BigDecimal("0.000000128").setScale(9).unscaledValue().toByteArray())).isEqualTo("0080");
    }

    // ---- the generated sections ----

    static String fingerprintTable() {
        StringBuilder table = new StringBuilder()
                .append("| schema | where | fingerprint (CRC-64-AVRO, as a 64-bit number) | header bytes on the wire |\n")
                .append("|---|---|---|---|\n");
        CONTRACT.forEach((schema, where) -> table.append("| `").append(schema.getName()).append("` | ").append(where)
                .append(" | `0x").append(String.format("%016X", crc64Avro(SchemaNormalization.toParsingForm(schema))))
                .append("` | `").append(spaced(header(schema))).append("` |\n"));
        return table.toString();
    }

    private static String exampleSection(List<String[]> fields, byte[] header) {
        StringBuilder text = new StringBuilder("| part | value | bytes (hex) |\n|---|---|---|\n")
                .append("| header | marker `C3 01`, then the fingerprint of `RoutedRequest` little-endian | `")
                .append(spaced(header)).append("` |\n");
        for (String[] field : fields) {
            text.append("| `").append(field[0]).append("` | ").append(field[1]).append(" | `")
                    .append(spaced(HexFormat.of().parseHex(field[2]))).append("` |\n");
        }
        byte[] all = concat(List.of(new String[] {"", "", hex(header)}, new String[] {"", "", hex(concat(fields))}));
        return text.append("\nThe whole record, ").append(all.length).append(" bytes:\n\n```\n")
                .append(wrapped(all)).append("```\n").toString();
    }

    /** RoutedRequest's fields in schema order, each encoded by the rules of the Avro specification. */
    private static List<String[]> handEncodedFields() {
        Instant completedAt = Instant.parse("2026-11-02T10:15:30.123Z");
        BigInteger quotedNanos = new BigDecimal("0.006").movePointRight(9).toBigIntegerExact();
        List<String[]> fields = new ArrayList<>();
        fields.add(field("request_id", "string `r-1`: length 3 as zig-zag varint, UTF-8", string("r-1")));
        fields.add(field("account_id", "string `acme`", string("acme")));
        fields.add(field("requested_model", "string `flux-auto`", string("flux-auto")));
        fields.add(field("served_model", "string `deepseek-r1`", string("deepseek-r1")));
        fields.add(field("lane", "union branch 0 (`null`), no body", varint(0)));
        fields.add(field("input_tokens", "long 1200, zig-zag varint", varint(1200)));
        fields.add(field("output_tokens", "long 300", varint(300)));
        fields.add(field("completed_at", "timestamp-millis 2026-11-02T10:15:30.123Z = " + completedAt.toEpochMilli()
                + " ms, a long", varint(completedAt.toEpochMilli())));
        byte[] twosComplement = quotedNanos.toByteArray();
        fields.add(field("quoted_cost_usd", "union branch 1 (decimal), then bytes: length " + twosComplement.length
                + ", big-endian two's complement of 0.006 × 10⁹ = " + quotedNanos,
                concat(List.of(new String[] {"", "", hex(varint(1))}, new String[] {"", "", hex(varint(twosComplement.length))},
                        new String[] {"", "", hex(twosComplement)}))));
        return fields;
    }

    private static String[] field(String name, String what, byte[] bytes) {
        return new String[] {name, what, hex(bytes)};
    }

    private static byte[] string(String value) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(varint(utf8.length));
        out.writeBytes(utf8);
        return out.toByteArray();
    }

    /** Avro's long: zig-zag, then 7 bits a byte, low bits first, high bit set on all but the last. */
    private static byte[] varint(long value) {
        long zigzag = (value << 1) ^ (value >> 63);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while ((zigzag & ~0x7FL) != 0) {
            out.write((int) ((zigzag & 0x7F) | 0x80));
            zigzag >>>= 7;
        }
        out.write((int) zigzag);
        return out.toByteArray();
    }

    /** The single-object header: C3 01, then the fingerprint's 8 bytes little-endian. */
    private static byte[] header(Schema schema) {
        long fingerprint = crc64Avro(SchemaNormalization.toParsingForm(schema));
        byte[] header = new byte[10];
        header[0] = (byte) 0xC3;
        header[1] = 0x01;
        for (int i = 0; i < 8; i++) {
            header[2 + i] = (byte) (fingerprint >>> (8 * i));
        }
        return header;
    }

    /** CRC-64-AVRO (the Avro specification's "Schema Fingerprints" section) of a canonical form's UTF-8 bytes. */
    static long crc64Avro(String canonicalForm) {
        final long empty = 0xc15d213aa4d7a795L;
        long[] table = new long[256];
        for (int i = 0; i < 256; i++) {
            long fp = i;
            for (int j = 0; j < 8; j++) {
                fp = (fp >>> 1) ^ (empty & -(fp & 1L));
            }
            table[i] = fp;
        }
        long fp = empty;
        for (byte b : canonicalForm.getBytes(StandardCharsets.UTF_8)) {
            fp = (fp >>> 8) ^ table[(int) (fp ^ b) & 0xff];
        }
        return fp;
    }

    // ---- text helpers ----

    private static String section(String name) throws Exception {
        String doc = Files.readString(DOC);
        Matcher matcher = Pattern.compile("<!-- " + name + ":begin[^>]*-->\n(.*?)<!-- " + name + ":end -->",
                Pattern.DOTALL).matcher(doc);
        assertThat(matcher.find()).as("%s has a %s section between its markers", DOC, name).isTrue();
        return matcher.group(1);
    }

    private static byte[] concat(List<String[]> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        parts.forEach(part -> out.writeBytes(HexFormat.of().parseHex(part[2])));
        return out.toByteArray();
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    private static String spaced(byte[] bytes) {
        return HexFormat.ofDelimiter(" ").withUpperCase().formatHex(bytes);
    }

    private static String wrapped(byte[] bytes) {
        StringBuilder text = new StringBuilder();
        for (int offset = 0; offset < bytes.length; offset += 16) {
            byte[] row = java.util.Arrays.copyOfRange(bytes, offset, Math.min(bytes.length, offset + 16));
            text.append(String.format("%04x: ", offset)).append(spaced(row)).append('\n');
        }
        return text.toString();
    }
}
