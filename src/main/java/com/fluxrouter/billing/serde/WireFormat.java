package com.fluxrouter.billing.serde;

/** How Avro records are framed on the wire; chosen by {@code flux.serde.format}. */
public enum WireFormat {
    /** Avro's single-object encoding (2-byte marker, 8-byte schema fingerprint, binary body): no registry. */
    SINGLE_OBJECT("single-object"),
    /**
     * The schema-registry format (magic byte 0, 4-byte schema id, binary body) that Confluent's, Apicurio's,
     * Redpanda's and Karapace's clients read; schemas live in the registry under TopicNameStrategy subjects.
     */
    REGISTRY("registry");

    private final String configName;

    WireFormat(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    public static WireFormat parse(String name) {
        for (WireFormat format : values()) {
            if (format.configName.equals(name)) {
                return format;
            }
        }
        throw new IllegalArgumentException("unknown " + "flux.serde.format: " + name);
    }
}
