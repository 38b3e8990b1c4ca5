package com.fluxrouter.billing.serde;

/**
 * Subject names, TopicNameStrategy as every registry client defaults to: {@code <topic>-key} and
 * {@code <topic>-value}. String keys are plain UTF-8 strings and have no subject.
 */
public final class Subjects {
    private Subjects() {
    }

    public static String of(String topic, boolean key) {
        if (topic == null || topic.isEmpty()) {
            throw new IllegalArgumentException("the schema-registry format needs the topic to name the subject");
        }
        return topic + (key ? "-key" : "-value");
    }
}
