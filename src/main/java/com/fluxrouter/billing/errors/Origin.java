package com.fluxrouter.billing.errors;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Where a record was read from the input before an internal detour (a misrouted request's trip through the
 * repartition topic, rule 4a), carried in the {@value #HEADER} header as {@code topic-partition@offset}, so that a
 * rejection further on names the input record the producer wrote, not the internal topic's copy.
 *
 * @param topic     the input topic
 * @param partition its partition the record arrived on
 * @param offset    the record's offset there
 */
public record Origin(String topic, int partition, long offset) {
    public static final String HEADER = "flux.origin";

    /** The header's value: {@code topic-partition@offset}, UTF-8. */
    public byte[] headerValue() {
        return (topic + "-" + partition + "@" + offset).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The origin of a record read from an internal detour topic (a Kafka Streams repartition topic, whose records only
     * the pipeline writes); empty for a record read from any other topic, whose {@value #HEADER} header a producer
     * could have set to make its rejection name another record.
     *
     * @param topic   the topic the record was read from
     * @param headers the record's headers, possibly null
     */
    public static Optional<Origin> ofDetour(String topic, Headers headers) {
        return topic != null && topic.endsWith(REPARTITION_SUFFIX) ? of(headers) : Optional.empty();
    }

    /** Kafka Streams names every repartition topic {@code <application.id>-<name>-repartition}. */
    private static final String REPARTITION_SUFFIX = "-repartition";

    /**
     * @param headers a record's headers, possibly null
     * @return the origin the last {@value #HEADER} header names, or empty if there is none or it is not one of ours
     */
    public static Optional<Origin> of(Headers headers) {
        Header header = headers == null ? null : headers.lastHeader(HEADER);
        if (header == null || header.value() == null) {
            return Optional.empty();
        }
        String text = new String(header.value(), StandardCharsets.UTF_8);
        int at = text.lastIndexOf('@');
        int dash = at < 0 ? -1 : text.lastIndexOf('-', at);
        if (dash <= 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Origin(text.substring(0, dash), Integer.parseInt(text.substring(dash + 1, at)),
                    Long.parseLong(text.substring(at + 1))));
        } catch (NumberFormatException notOurs) {
            return Optional.empty();
        }
    }
}
