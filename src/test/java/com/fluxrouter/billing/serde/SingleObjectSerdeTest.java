package com.fluxrouter.billing.serde;

import com.fluxrouter.billing.schema.AccountMonthKey;
import com.fluxrouter.billing.schema.ModelLane;
import com.fluxrouter.billing.schema.PricedRequest;
import com.fluxrouter.billing.schema.SpendStatus;
import com.fluxrouter.billing.schema.state.LaneUsage;
import com.fluxrouter.billing.schema.state.MonthLedger;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.io.Encoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The serde writes Avro's single-object encoding, byte for byte as the generated classes' own encoder does. */
class SingleObjectSerdeTest {
    private final Serdes serdes = new Serdes(WireFormat.SINGLE_OBJECT);

    @Test
    void writesTheBytesOfAvrosOwnSingleObjectEncoder() {
        assertSameAsAvro(MonthLedger.class, ledger(3));
        assertSameAsAvro(MonthLedger.class, ledger(0));
        assertSameAsAvro(MonthLedger.class, ledger(300));
        assertSameAsAvro(SpendStatus.class, status(null));
        assertSameAsAvro(SpendStatus.class, status(new BigDecimal("12.500000000")));
        assertSameAsAvro(PricedRequest.class, priced("r-\u00e9\u4e2d".repeat(200)));
        assertSameAsAvro(AccountMonthKey.class, new AccountMonthKey("acct-\u4e2d", "2026-09"));
        assertSameAsAvro(ModelLane.class, new ModelLane("flux-express-small", "EXPRESS"));
    }

    @Test
    void classesWithoutLogicalTypesAreWrittenByTheirGeneratedCodeAndTheOthersByAvrosWriter() {
        assertThat(GeneratedEncoder.declaredBy(SpecificData.getForClass(MonthLedger.class), MonthLedger.getClassSchema()))
                .isPresent();
        assertThat(GeneratedEncoder.declaredBy(SpecificData.getForClass(AccountMonthKey.class),
                AccountMonthKey.getClassSchema())).isPresent();
        assertThat(GeneratedEncoder.declaredBy(SpecificData.getForClass(SpendStatus.class), SpendStatus.getClassSchema()))
                .as("a class with logical types has no generated encoder").isEmpty();
        assertThat(GeneratedEncoder.declaredBy(GenericData.get(), MonthLedger.getClassSchema()))
                .as("generic records are not generated classes").isEmpty();
        List<Schema> older = SchemaHistory.versions("MonthLedger").stream()
                .filter(version -> !version.equals(MonthLedger.getClassSchema())).toList();
        assertThat(older).as("kept versions of the month ledger").isNotEmpty();
        older.forEach(version -> assertThat(GeneratedEncoder.declaredBy(SpecificData.getForClass(MonthLedger.class), version))
                .as("the class was generated from the current schema only").isEmpty());
    }

    @Test
    void aRecordThatCannotBeEncodedFailsAndTheNextIsWholeAgain() {
        Serde<MonthLedger> serde = serdes.internal(MonthLedger.class);
        MonthLedger broken = ledger(2);
        broken.setTimeZone(null);
        assertThatThrownBy(() -> serde.serializer().serialize("t", broken))
                .isInstanceOf(SerializationException.class).hasMessageStartingWith("cannot encode MonthLedger: ")
                .hasMessageContaining("MonthLedger.time_zone")
                .satisfies(failure -> assertThat(failure.getCause().getSuppressed()).as("the generated code's failure")
                        .singleElement().isInstanceOf(NullPointerException.class));
        MonthLedger brokenLane = ledger(2);
        brokenLane.getInvoicedLanes().set(1, new LaneUsage(null, 1L, 2L, 3L, 4L));
        assertThatThrownBy(() -> serde.serializer().serialize("t", brokenLane))
                .isInstanceOf(SerializationException.class).hasMessageContaining("MonthLedger.invoiced_lanes[1].lane");
        assertSameAsAvro(MonthLedger.class, ledger(1));
    }

    @Test
    void aRecordOnlyTheGeneratedCodeCannotWriteFailsAndNoBytesAreReturned() {
        // The generated code fails (after writing part of the body) where Avro's own writer succeeds: the two
        // disagree, so the encode must fail rather than return the part and Avro's body after it as the record.
        Serde<MonthLedger> serde = serdes.internal(MonthLedger.class);
        MonthLedger whole = ledger(2);
        MonthLedger disagreeing = new MonthLedger() {
            @Override
            public void customEncode(Encoder out) throws IOException {
                out.writeString("part of the body");
                throw new IllegalArgumentException("the generated code failed");
            }
        };
        for (int field = 0; field < whole.getSchema().getFields().size(); field++) {
            disagreeing.put(field, whole.get(field));
        }
        assertThatThrownBy(() -> serde.serializer().serialize("t", disagreeing))
                .isInstanceOf(SerializationException.class).hasMessageContaining("failed where Avro's writer did not")
                .hasRootCauseMessage("the generated code failed");
        assertSameAsAvro(MonthLedger.class, ledger(1));
    }

    @Test
    void threadsEncodingAtOnceEachGetTheirOwnRecord() throws Exception {
        Serde<MonthLedger> serde = serdes.internal(MonthLedger.class);
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int lanes = t;
                done.add(threads.submit(() -> {
                    MonthLedger ledger = ledger(lanes);
                    byte[] expected = avroBytes(ledger);
                    for (int i = 0; i < 2_000; i++) {
                        assertThat(serde.serializer().serialize("t", ledger)).isEqualTo(expected);
                    }
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
        } finally {
            threads.shutdown();
        }
    }

    private <T extends SpecificRecordBase> void assertSameAsAvro(Class<T> type, T record) {
        byte[] written = serdes.internal(type).serializer().serialize("t", record);
        assertThat(written).isEqualTo(avroBytes(record));
        T readBack = serdes.internal(type).deserializer().deserialize("t", written);
        assertThat(avroBytes(readBack)).isEqualTo(written);
    }

    /** What the generated class's own encoder (Avro's BinaryMessageEncoder) writes. */
    private static byte[] avroBytes(SpecificRecordBase record) {
        try {
            ByteBuffer buffer = (ByteBuffer) record.getClass().getMethod("toByteBuffer").invoke(record);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (ReflectiveOperationException e) {
            if (e.getCause() instanceof IOException io) {
                throw new UncheckedIOException(io);
            }
            throw new IllegalStateException(e);
        }
    }

    private static MonthLedger ledger(int lanes) {
        List<LaneUsage> usage = new ArrayList<>();
        for (int i = 0; i < lanes; i++) {
            usage.add(new LaneUsage("LANE-" + i, 1L + i, 1_000_000L * i, 3L * i, Long.MAX_VALUE - i));
        }
        return MonthLedger.newBuilder().setAccountId("acct-\u00e9").setBillingMonth("2026-09")
                .setTimeZone("America/New_York").setCloseAt(1_790_000_000_000L).setLanes(usage)
                .setCreditNanos(5_000_000_000L).setCeilingNanos(lanes % 2 == 0 ? null : -1L).setOverageNanos(Long.MIN_VALUE)
                .setAlertsFired(7).setClosed(lanes > 1).setInvoicedLanes(new ArrayList<>(usage)).setInvoiceSets(lanes)
                .setFirstUsageAt(lanes == 0 ? null : 1_788_000_000_000L + lanes).build();
    }

    private static SpendStatus status(BigDecimal ceiling) {
        return SpendStatus.newBuilder().setAccountId("acct-1").setBillingMonth("2026-09").setStatus("OK")
                .setUsageUsd(new BigDecimal("0.001234567")).setIncludedCreditUsd(new BigDecimal("5.000000000"))
                .setCreditRemainingUsd(new BigDecimal("4.998765433")).setSpendCeilingUsd(ceiling).setRemainingUsd(ceiling)
                .setPeriodStart(Instant.parse("2026-09-01T00:00:00Z")).setPeriodEnd(Instant.parse("2026-10-01T00:00:00Z"))
                .setProjectedUsageUsd(null).setReason("USAGE").setAsOf(Instant.parse("2026-09-15T10:00:00.123Z")).build();
    }

    private static PricedRequest priced(String requestId) {
        return PricedRequest.newBuilder().setRequestId(requestId).setAccountId("acct-1").setRequestedModel("flux-auto")
                .setServedModel("flux-express-small").setLane("EXPRESS").setLaneSource("CATALOG").setClaimedLane(null)
                .setInputTokens(1_000_000L).setOutputTokens(0L).setCompletedAt(Instant.parse("2026-09-15T10:00:00Z"))
                .setQuotedCostUsd(null).setBillingMonth("2026-09").setInputCostUsd(new BigDecimal("0.100000000"))
                .setOutputCostUsd(new BigDecimal("0E-9")).setCostUsd(new BigDecimal("0.100000000"))
                .setRateEffectiveFrom(Instant.parse("2020-01-01T00:00:00Z")).setQuoteMismatch(false).build();
    }
}
