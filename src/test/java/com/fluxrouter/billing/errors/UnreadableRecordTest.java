package com.fluxrouter.billing.errors;

import com.fluxrouter.billing.schema.RejectedRecord;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.serde.WireFormat;
import com.fluxrouter.billing.topology.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rule 4: bytes that are not a record are bad input on the topics others write (rejected MALFORMED, processing goes
 * on), and a bug or an unknown version on the topics the pipeline writes itself (the task fails, nothing is lost).
 */
class UnreadableRecordTest {
    private static final byte[] KEY = "acct".getBytes(StandardCharsets.UTF_8);
    private static final byte[] GARBAGE = {(byte) 0xC3, 0x01, 0x02};

    @Test
    void unreadableBytesOnAnInputTopicAreRejectedMalformedWithTheirBytes() {
        DeserializationExceptionHandler.Response response = handle(Topics.ROUTED);

        assertThat(response.result()).isEqualTo(DeserializationExceptionHandler.Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).singleElement().satisfies(record -> {
            assertThat(record.topic()).isEqualTo(Topics.REJECTED);
            RejectedRecord rejected = new Serdes(WireFormat.SINGLE_OBJECT).avro(RejectedRecord.class).deserializer()
                    .deserialize(Topics.REJECTED, record.value());
            assertThat(rejected.getReason()).isEqualTo("MALFORMED");
            assertThat(rejected.getSourceOffset()).isEqualTo(41L);
            assertThat(rejected.getOriginalValue().array()).isEqualTo(GARBAGE);
        });
    }

    @Test
    void unreadableBytesOnATopicThePipelineWroteFailTheTaskInsteadOfLosingTheRequest() {
        for (String own : new String[] {"flux-billing-requests-misrouted-repartition", Topics.PLANS_VALID,
                "flux-billing-plans-by-account-repartition"}) {
            DeserializationExceptionHandler.Response response = handle(own);

            assertThat(response.result()).as(own).isEqualTo(DeserializationExceptionHandler.Result.FAIL);
            assertThat(response.deadLetterQueueRecords()).as(own).isEmpty();
        }
    }

    private static DeserializationExceptionHandler.Response handle(String topic) {
        RejectionHandler handler = new RejectionHandler();
        handler.configure(Map.of());
        return handler.handleError(new Context(topic), new ConsumerRecord<>(topic, 0, 41L, KEY, GARBAGE),
                new SerializationException("not a valid payload"));
    }

    /** Where the unreadable record was: the handler's view of the task, as Kafka Streams gives it. */
    private record Context(String topic) implements ErrorHandlerContext {
        @Override
        public int partition() {
            return 0;
        }

        @Override
        public long offset() {
            return 41L;
        }

        @Override
        public Headers headers() {
            return new RecordHeaders();
        }

        @Override
        public String processorNodeId() {
            return "source";
        }

        @Override
        public TaskId taskId() {
            return new TaskId(0, 0);
        }

        @Override
        public long timestamp() {
            return 1_700_000_000_000L;
        }

        @Override
        public byte[] sourceRawKey() {
            return KEY;
        }

        @Override
        public byte[] sourceRawValue() {
            return GARBAGE;
        }
    }
}
