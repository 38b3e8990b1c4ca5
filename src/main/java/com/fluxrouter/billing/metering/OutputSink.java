package com.fluxrouter.billing.metering;

import com.fluxrouter.billing.schema.InvoiceLine;
import com.fluxrouter.billing.schema.OverageUpdate;
import com.fluxrouter.billing.schema.PricedRequest;
import com.fluxrouter.billing.schema.SpendAlert;
import com.fluxrouter.billing.schema.SpendStatus;
import org.apache.avro.specific.SpecificRecord;

import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The meter's children: one sink node per kind of output record, each writing its own topic with its own serdes.
 * The meter forwards each output to its kind's sink by name, so an output passes no routing node on its way.
 */
public enum OutputSink {
    /** {@code flux.requests.priced}: key account id, value {@link PricedRequest}. */
    PRICED("priced-sink", PricedRequest.class),
    /** {@code flux.usage.overage}: key account-month, value {@link OverageUpdate}. */
    OVERAGE("overage-sink", OverageUpdate.class),
    /** {@code flux.spend.alerts}: key account-month, value {@link SpendAlert}. */
    ALERTS("alerts-sink", SpendAlert.class),
    /** {@code flux.invoice.lines}: key account-month, value {@link InvoiceLine}. */
    INVOICE_LINES("invoice-lines-sink", InvoiceLine.class),
    /** {@code flux.accounts.spend-status}: key account id, value {@link SpendStatus}. */
    SPEND_STATUS("spend-status-sink", SpendStatus.class);

    private static final Map<Class<?>, OutputSink> BY_VALUE = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(sink -> sink.valueClass, sink -> sink));

    private final String nodeName;
    private final Class<? extends SpecificRecord> valueClass;

    OutputSink(String nodeName, Class<? extends SpecificRecord> valueClass) {
        this.nodeName = nodeName;
        this.valueClass = valueClass;
    }

    /** The sink's node name in the topology. */
    public String nodeName() {
        return nodeName;
    }

    /**
     * @param value an output of the meter
     * @return the sink that writes it
     * @throws IllegalArgumentException for a value of any other class (a bug: the meter emits only these five)
     */
    public static OutputSink of(SpecificRecord value) {
        OutputSink sink = BY_VALUE.get(value.getClass());
        if (sink == null) {
            throw new IllegalArgumentException("not an output of the meter: " + value.getClass().getName());
        }
        return sink;
    }
}
