package com.fluxrouter.billing.metering;

import com.fluxrouter.billing.schema.InvoiceLine;
import com.fluxrouter.billing.schema.OverageUpdate;
import com.fluxrouter.billing.schema.PricedRequest;
import com.fluxrouter.billing.schema.RoutedRequest;
import com.fluxrouter.billing.schema.SpendAlert;
import com.fluxrouter.billing.schema.SpendStatus;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The meter forwards each output to the sink of its kind by the sink's node name in topology/billing-pipeline.txt. */
class OutputSinkTest {

    @Test
    void eachKindOfOutputGoesToTheSinkNamedInTheTopology() {
        assertThat(OutputSink.of(new PricedRequest()).nodeName()).isEqualTo("priced-sink");
        assertThat(OutputSink.of(new OverageUpdate()).nodeName()).isEqualTo("overage-sink");
        assertThat(OutputSink.of(new SpendAlert()).nodeName()).isEqualTo("alerts-sink");
        assertThat(OutputSink.of(new InvoiceLine()).nodeName()).isEqualTo("invoice-lines-sink");
        assertThat(OutputSink.of(new SpendStatus()).nodeName()).isEqualTo("spend-status-sink");
    }

    @Test
    void aValueTheMeterDoesNotEmitIsABugNotARoute() {
        assertThatThrownBy(() -> OutputSink.of(new RoutedRequest()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(RoutedRequest.class.getName());
    }
}
