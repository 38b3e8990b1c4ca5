package com.fluxrouter.billing.intake;

import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.processor.api.ProcessingContext;

/**
 * The one place misrouted requests are counted (rule 4a), by the input partition they arrived on: a Kafka Streams
 * sensor of the task, so {@code /metrics} shows it as
 * {@code kafka_stream_flux_billing_misrouted_total{input_partition="N",...}} (and {@code _rate}), present
 * from zero for every partition this instance owns.
 */
final class MisroutedCount {
    private final Sensor sensor;

    private MisroutedCount(Sensor sensor) {
        this.sensor = sensor;
    }

    /** The counter of the task's input partition; created when the task's partition check starts. */
    static MisroutedCount of(ProcessingContext context) {
        String task = context.taskId().toString();
        String partition = Integer.toString(context.taskId().partition());
        return new MisroutedCount(context.metrics().addRateTotalSensor("flux-billing", task, "misrouted",
                Sensor.RecordingLevel.INFO, "input-partition", partition));
    }

    void increment() {
        sensor.record();
    }
}
