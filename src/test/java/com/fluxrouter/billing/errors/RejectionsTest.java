package com.fluxrouter.billing.errors;

import com.fluxrouter.billing.schema.RejectedRecord;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.serde.WireFormat;
import com.fluxrouter.billing.topology.TopicSpecs;
import com.fluxrouter.billing.topology.Topics;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class RejectionsTest {
    @Test
    void theRejectionOfAHugeKeyAndValueFitsTheRejectedTopic() {
        byte[] key = new byte[8 * 1024 * 1024];
        byte[] value = new byte[8 * 1024 * 1024];
        Arrays.fill(key, (byte) 'k');
        Arrays.fill(value, (byte) 'v');

        RejectedRecord rejected = Rejections.record(Reason.MALFORMED, "x".repeat(5_000), Topics.ROUTED, 3, 42L, 0L,
                key, value);
        byte[] written = new Serdes(WireFormat.SINGLE_OBJECT).avro(RejectedRecord.class).serializer()
                .serialize(Topics.REJECTED, rejected);

        assertThat(rejected.getOriginalKey().remaining() + rejected.getOriginalValue().remaining())
                .isEqualTo(Rejections.MAX_KEPT_BYTES);
        assertThat(Rejections.bytes(rejected.getOriginalKey())).isEqualTo(
                Arrays.copyOf(key, rejected.getOriginalKey().remaining()));
        assertThat(rejected.getDetail()).contains("original key cut: 8388608 bytes", "original value cut: 8388608 bytes",
                Topics.ROUTED + "-3@42");
        // Record batch and header overhead is well under the 1 KiB of slack asked for here.
        assertThat(written.length + rejected.getOriginalKey().remaining() + 1024)
                .isLessThan(TopicSpecs.REJECTED_MAX_BYTES);
    }

    @Test
    void aHugeValueBehindASmallKeyKeepsTheKeyWholeAndAsMuchValueAsFits() {
        byte[] key = "acct-1".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] value = new byte[3 * 1024 * 1024];

        RejectedRecord rejected = Rejections.record(Reason.MALFORMED, "bad", Topics.ROUTED, 0, 7L, 0L, key, value);

        assertThat(Rejections.bytes(rejected.getOriginalKey())).isEqualTo(key);
        assertThat(rejected.getOriginalValue().remaining()).isEqualTo(Rejections.MAX_KEPT_BYTES - key.length);
        assertThat(rejected.getDetail()).doesNotContain("original key").contains("original value cut: 3145728 bytes");
    }

    @Test
    void aRecordThatFitsTheBrokersDefaultLimitIsKeptWhole() {
        byte[] value = new byte[Rejections.MAX_KEPT_BYTES - 1];
        RejectedRecord rejected = Rejections.record(Reason.MALFORMED, "bad", Topics.ROUTED, 0, 1L, 0L,
                new byte[] {1}, value);

        assertThat(rejected.getOriginalValue().remaining()).isEqualTo(value.length);
        assertThat(rejected.getDetail()).isEqualTo("bad");
    }
}
