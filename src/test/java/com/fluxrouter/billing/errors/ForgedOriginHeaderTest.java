package com.fluxrouter.billing.errors;

import com.fluxrouter.billing.PipelineTest;
import com.fluxrouter.billing.pricing.Lane;
import com.fluxrouter.billing.schema.RejectedRecord;
import com.fluxrouter.billing.schema.RoutedRequest;
import com.fluxrouter.billing.topology.Topics;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@value Origin#HEADER} header is the pipeline's own (rule 4a): it is trusted only on the detour topic, so a
 * producer that sets it on flux.requests.routed cannot make a rejection name another record.
 */
class ForgedOriginHeaderTest extends PipelineTest {

    @Test
    void aRequestRejectedAfterIntakeNamesTheRecordItWasReadFromWhateverHeaderTheProducerSet() {
        spend("acct-first", "0.000002", "2026-11-20T10:00:00Z");
        RoutedRequest unknownModel = request("acct-forger", Lane.EXPRESS, 1_000, 0, "2026-11-20T10:00:00Z")
                .setServedModel("a-model-nobody-published").setLane(null).build();
        RecordHeaders headers = new RecordHeaders();
        headers.add(Origin.HEADER, "flux.requests.routed-7@123456".getBytes(StandardCharsets.UTF_8));
        TestInputTopic<String, RoutedRequest> input = driver.createInputTopic(Topics.ROUTED,
                serdes.string().serializer(), serdes.avro(RoutedRequest.class).serializer());
        input.pipeInput(new TestRecord<>("acct-forger", unknownModel, headers, Instant.parse("2026-11-20T10:00:01Z")));

        List<RejectedRecord> rejections = rejected();
        assertThat(rejections).hasSize(1);
        assertThat(rejections.get(0).getReason()).isEqualTo(Reason.UNKNOWN_MODEL.name());
        assertThat(rejections.get(0).getSourceTopic()).isEqualTo(Topics.ROUTED);
        assertThat(rejections.get(0).getSourcePartition()).isZero();
        // The second record of the topic: the first was acct-first's request.
        assertThat(rejections.get(0).getSourceOffset()).isEqualTo(1L);
    }
}
