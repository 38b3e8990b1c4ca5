package com.fluxrouter.billing.config;

import com.fluxrouter.billing.intake.MisroutedPolicy;
import com.fluxrouter.billing.serde.WireFormat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The pipeline's own settings ({@code flux.*}); everything else in the same properties goes to Kafka Streams.
 * Defaults are the billing rules' defaults.
 */
public final class BillingConfig {
    public static final String WIRE_FORMAT = "flux.serde.format";
    public static final String SCHEMA_REGISTRY_URL = "flux.schema-registry.url";
    public static final String SCHEMA_REGISTRY_AUTO_REGISTER = "flux.schema-registry.auto-register";
    public static final String SCHEMA_REGISTRY_USER_INFO = "flux.schema-registry.basic-auth-user-info";
    public static final String SCHEMA_REGISTRY_TIMEOUT = "flux.schema-registry.timeout";
    public static final String STATE_STORES = "flux.state.stores";
    public static final String STATE_CHANGELOGS = "flux.state.changelogs";
    public static final String GRACE = "flux.billing.grace";
    public static final String DEDUP_WINDOW = "flux.billing.dedup-window";
    public static final String CLOSE_CHECK_INTERVAL = "flux.billing.close-check-interval";
    public static final String IDLE_CLOSE_AFTER = "flux.billing.idle-close-after";
    public static final String SUPPLEMENTAL_WINDOW = "flux.billing.supplemental-window";
    public static final String EARLIEST_VALID_TIME = "flux.billing.earliest-valid-time";
    public static final String INTAKE_MISROUTED = "flux.intake.misrouted";

    /** Where state stores live: RocksDB on disk for the service, memory for replay and tests. */
    public enum StoreKind { ROCKSDB, IN_MEMORY }

    private final Map<String, String> settings;

    private BillingConfig(Map<String, String> settings) {
        this.settings = settings;
    }

    public static BillingConfig defaults() {
        return of(Map.of());
    }

    public static BillingConfig of(Map<String, String> settings) {
        BillingConfig config = new BillingConfig(Map.copyOf(settings));
        config.validate();
        return config;
    }

    public static BillingConfig of(Properties properties) {
        Map<String, String> map = new HashMap<>();
        properties.stringPropertyNames().forEach(name -> map.put(name, properties.getProperty(name)));
        return of(map);
    }

    /** A copy with one setting changed. */
    public BillingConfig with(String key, String value) {
        Map<String, String> copy = new HashMap<>(settings);
        copy.put(key, value);
        return of(copy);
    }

    public WireFormat wireFormat() {
        return WireFormat.parse(settings.getOrDefault(WIRE_FORMAT, WireFormat.SINGLE_OBJECT.configName()));
    }

    /** The schema registry's REST root (Confluent API; Apicurio's under /apis/ccompat/v7); required by the registry format. */
    public String schemaRegistryUrl() {
        return settings.get(SCHEMA_REGISTRY_URL);
    }

    /** Whether the pipeline may register its schemas itself; off, they must be registered before it starts. */
    public boolean autoRegister() {
        return Boolean.parseBoolean(settings.getOrDefault(SCHEMA_REGISTRY_AUTO_REGISTER, "true"));
    }

    /** {@code user:password} for the registry's HTTP basic authentication, or null. */
    public String schemaRegistryUserInfo() {
        return settings.get(SCHEMA_REGISTRY_USER_INFO);
    }

    /** How long one registry request may take before it counts as the registry being unavailable. */
    public Duration schemaRegistryTimeout() {
        return duration(SCHEMA_REGISTRY_TIMEOUT, "PT10S");
    }

    public StoreKind storeKind() {
        return StoreKind.valueOf(settings.getOrDefault(STATE_STORES, "rocksdb").toUpperCase().replace('-', '_'));
    }

    /**
     * Whether stores write changelogs. Always on for a live pipeline (restores and standbys need them); replay, whose
     * state lives only as long as the run, turns them off.
     */
    public boolean changelogs() {
        return Boolean.parseBoolean(settings.getOrDefault(STATE_CHANGELOGS, "true"));
    }

    /** How long after a month's end requests may still arrive before the month closes (rule 10). */
    public Duration grace() {
        return duration(GRACE, "PT24H");
    }

    /** How long an accepted request_id is remembered (rule 3). */
    public Duration dedupWindow() {
        return duration(DEDUP_WINDOW, "P35D");
    }

    /** How often live operation checks the wall clock for months of quiet partitions. */
    public Duration closeCheckInterval() {
        return duration(CLOSE_CHECK_INTERVAL, "PT1M");
    }

    /** A partition with no request for this long is quiet: its billing clock follows the wall clock. */
    public Duration idleCloseAfter() {
        return duration(IDLE_CLOSE_AFTER, "PT5M");
    }

    /**
     * How long, on the billing clock, the late requests of a closed account-month gather into one pending
     * supplemental set after the first of them (rule 11); zero emits a set per late request at once.
     */
    public Duration supplementalWindow() {
        return duration(SUPPLEMENTAL_WINDOW, "PT1H");
    }

    /** Requests completed before this instant are rejected as INVALID_TIMESTAMP. */
    public Instant earliestValidTime() {
        return Instant.parse(settings.getOrDefault(EARLIEST_VALID_TIME, "2020-01-01T00:00:00Z"));
    }

    /**
     * What intake does with a request on a partition other than its account's (rule 4a): {@code route} (default)
     * sends it to its account's partition, {@code reject} rejects it WRONG_PARTITION.
     *
     * @throws IllegalArgumentException if the setting is neither
     */
    public MisroutedPolicy misroutedPolicy() {
        return MisroutedPolicy.parse(settings.getOrDefault(INTAKE_MISROUTED, MisroutedPolicy.ROUTE.configName()));
    }

    public Map<String, String> settings() {
        return settings;
    }

    private Duration duration(String key, String fallback) {
        return Duration.parse(settings.getOrDefault(key, fallback));
    }

    private void validate() {
        if (wireFormat() == WireFormat.REGISTRY && (schemaRegistryUrl() == null || schemaRegistryUrl().isBlank())) {
            throw new IllegalArgumentException(WIRE_FORMAT + "=registry needs " + SCHEMA_REGISTRY_URL);
        }
        String autoRegister = settings.getOrDefault(SCHEMA_REGISTRY_AUTO_REGISTER, "true");
        if (!autoRegister.equals("true") && !autoRegister.equals("false")) {
            throw new IllegalArgumentException(SCHEMA_REGISTRY_AUTO_REGISTER + " must be true or false: " + autoRegister);
        }
        if (schemaRegistryTimeout().isNegative() || schemaRegistryTimeout().isZero()) {
            throw new IllegalArgumentException(SCHEMA_REGISTRY_TIMEOUT + " must be positive");
        }
        storeKind();
        earliestValidTime();
        misroutedPolicy();
        for (String key : new String[] {GRACE, DEDUP_WINDOW, CLOSE_CHECK_INTERVAL, IDLE_CLOSE_AFTER, SUPPLEMENTAL_WINDOW}) {
            if (duration(key, "PT0S").isNegative()) {
                throw new IllegalArgumentException(key + " must not be negative");
            }
        }
        if (closeCheckInterval().isZero()) {
            throw new IllegalArgumentException(CLOSE_CHECK_INTERVAL + " must be positive");
        }
    }
}
