package com.fluxrouter.billing.topology;

import com.fluxrouter.billing.schema.AccountMonthKey;
import com.fluxrouter.billing.schema.InvoiceLine;
import com.fluxrouter.billing.schema.RejectedRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TopicSchemasTest {
    @Test
    void everyInputAndOutputTopicHasAValueSubjectAndOnlyCompositeKeysHaveKeySubjects() {
        List<String> topics = new ArrayList<>(Topics.INPUTS);
        topics.addAll(Topics.OUTPUTS);
        assertThat(TopicSchemas.all().keySet()).containsAll(topics.stream().map(topic -> topic + "-value").toList());
        assertThat(TopicSchemas.all().keySet().stream().filter(subject -> subject.endsWith("-key")))
                .containsExactlyInAnyOrder(Topics.RATES + "-key", Topics.PLANS + "-key", Topics.OVERAGE + "-key",
                        Topics.ALERTS + "-key", Topics.INVOICE_LINES + "-key");
    }

    @Test
    void thePipelineWritesTheSubjectsOfItsOutputTopicsOnly() {
        assertThat(TopicSchemas.written()).containsKeys(Topics.INVOICE_LINES + "-value", Topics.REJECTED + "-value")
                .doesNotContainKey(Topics.ROUTED + "-value");
        assertThat(TopicSchemas.written().get(Topics.INVOICE_LINES + "-key")).isEqualTo(AccountMonthKey.getClassSchema());
        assertThat(TopicSchemas.valueType(Topics.INVOICE_LINES)).contains(InvoiceLine.class);
        assertThat(TopicSchemas.valueType(Topics.REJECTED)).contains(RejectedRecord.class);
        assertThat(TopicSchemas.keyType(Topics.PRICED)).isEmpty();
        assertThat(TopicSchemas.valueType("elsewhere")).isEmpty();
    }
}
