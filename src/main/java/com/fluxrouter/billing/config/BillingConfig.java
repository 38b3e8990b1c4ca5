package com.fluxrouter.billing.config;

import com.fluxrouter.billing.intake.MisroutedPolicy;
import com.fluxrouter.billing.serde.WireFormat;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;

/**
 * The pipeline's own settings ({@code flux.*}), defined once in {@link #DEFINITION} (Kafka's {@link ConfigDef}) and
 * validated when the config is built: an unknown {@code flux.*} key, a boolean other than {@code true}/{@code false},
 * a malformed or out-of-range duration, instant or number each fail with a {@link ConfigException} naming the key.
 * Every other key in the same settings (Kafka Streams and client settings) is kept as given, unchecked here, and goes
 * to Kafka Streams. Defaults are the billing rules' defaults (docs/billing-rules.md); the reference table of every
 * setting is docs/operations.md, "Configuration reference", checked against this definition by a test.
 */
public final class BillingConfig extends AbstractConfig {
    public static final String WIRE_FORMAT = "flux.serde.format";
    public static final String SCHEMA_REGISTRY_URL = "flux.schema-registry.url";
    public static final String SCHEMA_REGISTRY_AUTO_REGISTER = "flux.schema-registry.auto-register";
    public static final String SCHEMA_REGISTRY_USER_INFO = "flux.schema-registry.basic-auth-user-info";
    public static final String SCHEMA_REGISTRY_TIMEOUT = "flux.schema-registry.timeout";
    public static final String STATE_STORES = "flux.state.stores";
    public static final String STATE_CHANGELOGS = "flux.state.changelogs";
    public static final String ROCKSDB_MEMORY = "flux.state.rocksdb.memory";
    public static final String ROCKSDB_WRITE_BUFFER_MEMORY = "flux.state.rocksdb.write-buffer-memory";
    public static final String GRACE = "flux.billing.grace";
    public static final String DEDUP_WINDOW = "flux.billing.dedup-window";
    public static final String CLOSE_CHECK_INTERVAL = "flux.billing.close-check-interval";
    public static final String IDLE_CLOSE_AFTER = "flux.billing.idle-close-after";
    public static final String SUPPLEMENTAL_WINDOW = "flux.billing.supplemental-window";
    public static final String STATUS_INTERVAL = "flux.billing.status-interval";
    public static final String EARLIEST_VALID_TIME = "flux.billing.earliest-valid-time";
    public static final String FORGET_IDS_BY_DEADLINE = "flux.billing.forget-ids-by-deadline";
    public static final String STATUS_CACHE_ENTRIES = "flux.billing.status-cache-entries";
    public static final String PLANS_CACHE_ENTRIES = "flux.billing.plans-cache-entries";
    public static final String MONTH_CACHE_ENTRIES = "flux.billing.month-cache-entries";
    public static final String STATUS_STORE_RECORD_CACHE = "flux.billing.status-store-record-cache";
    public static final String WRITE_BEHIND_ENTRIES = "flux.billing.write-behind-entries";
    public static final String INTAKE_MISROUTED = "flux.intake.misrouted";
    public static final String INTAKE_RATE_CACHE = "flux.intake.rate-cache";
    public static final String INTAKE_MODEL_CACHE = "flux.intake.model-cache";
    public static final String HTTP_HOST = "flux.http.host";
    public static final String HTTP_PORT = "flux.http.port";
    public static final String HTTP_ADVERTISED_HOST = "flux.http.advertised-host";
    public static final String HTTP_READY_MAX_LAG = "flux.http.ready-max-lag";
    public static final String HTTP_STATUS_MAX_LAG = "flux.http.status-max-lag";
    public static final String HTTP_TOKEN = "flux.http.token";
    public static final String HTTP_ACCOUNT_TOKENS = "flux.http.account-tokens";
    public static final String HEALTH_MAX_THREAD_REPLACEMENTS = "flux.health.max-thread-replacements";
    public static final String HEALTH_REPLACEMENT_WINDOW = "flux.health.replacement-window";
    public static final String METRICS_REFRESH_INTERVAL = "flux.metrics.refresh-interval";
    public static final String UNSAFE_ALLOW = "flux.unsafe.allow";
    /** Read by log4j2.xml (from FLUX_LOG_FORMAT or the system property), defined here so that a typo is caught. */
    public static final String LOG_FORMAT = "flux.log.format";
    public static final String LOG_LEVEL = "flux.log.level";

    /** The prefix of the pipeline's own settings: a key with it must be one of {@link #DEFINITION}'s. */
    public static final String PREFIX = "flux.";

    /** Every {@code flux.*} setting: its type, default, check and meaning (the meaning is docs' "meaning" column). */
    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(GRACE, Type.STRING, "PT24H", DurationValidator.atLeastZero(), Importance.HIGH,
                    "how long after a month's end (in the account's zone) it stays open (rule 10)")
            .define(DEDUP_WINDOW, Type.STRING, "P35D", DurationValidator.positive(), Importance.HIGH,
                    "how long an accepted request id is remembered, on the billing clock (rule 3); a request older "
                            + "than this is rejected TOO_LATE")
            .define(FORGET_IDS_BY_DEADLINE, Type.BOOLEAN, false, Importance.LOW,
                    "false: accepted request ids are forgotten by a walk of the id store, a few entries per request "
                            + "(rule 3); true: each id gets a deadline of its own in billing-deadlines (the behaviour "
                            + "before, which bench measures beside it; ids accepted while the walk ran have no deadline "
                            + "and stay until the walk runs again). What is billed is the same either way")
            .define(STATUS_CACHE_ENTRIES, Type.INT, 1024, Range.atLeast(0), Importance.LOW,
                    "accounts per task whose last spend status the meter holds as an object, from the second "
                            + "request that reads it, the least recently used let go first (about 1 KiB of heap "
                            + "each); the others are decoded from the spend-status store (unless "
                            + "written since the last commit and held, flux.billing.write-behind-entries) when a request "
                            + "needs them (0: always). What is billed and emitted is the same either way")
            .define(MONTH_CACHE_ENTRIES, Type.INT, 1024, Range.atLeast(0), Importance.LOW,
                    "account-months per task the meter holds as objects, from the second request that reads "
                            + "one, the least recently used let go first (about 1 KiB of heap each); the others "
                            + "are decoded from the account-months store (unless written since the last commit and held, "
                            + "flux.billing.write-behind-entries) when a request needs them (0: always). What is billed and emitted is the "
                            + "same either way")
            .define(WRITE_BEHIND_ENTRIES, Type.INT, 4096, Range.atLeast(0), Importance.LOW,
                    "the account-months and spend statuses the meter writes are held as objects until the task "
                            + "commits, which writes each changed key once to its store and changelog; at most this many "
                            + "changed keys per task and store, more are written early (about 1 KiB of heap each). It "
                            + "takes the place of Kafka Streams' record cache on those two stores, which encodes every "
                            + "write and sorts its keys (docs/performance.md). 0: the record cache as before (and "
                            + "flux.billing.status-store-record-cache applies). The same state and changelog format "
                            + "either way, so it can be changed at any restart")
            .define(STATUS_STORE_RECORD_CACHE, Type.BOOLEAN, true, Importance.LOW,
                    "with flux.billing.write-behind-entries 0 only: "
                            + "whether the spend-status store (RocksDB) has Kafka Streams' record cache in front of it. "
                            + "false saves the cache's bookkeeping where most requests open a new account (8-9 % of "
                            + "the CPU per request at a million accounts with one request each in the bench) and "
                            + "costs where accounts come back (5-6 % at a thousand accounts; docs/performance.md). The "
                            + "same state and changelog format either way (with the cache, writes of one status within "
                            + "a commit make one changelog record), so it can be changed at any restart")
            .define(PLANS_CACHE_ENTRIES, Type.INT, 1024, Range.atLeast(0), Importance.LOW,
                    "accounts per task whose published plan versions pricing holds as objects, from the second "
                            + "request that reads them, the least recently used let go first, all of them whenever a plan "
                            + "version of any account is published; the others are decoded from the plan-publications "
                            + "global store when a request needs them (0: none held, decoded for every request). What "
                            + "is billed and emitted is the same either way")
            .define(IDLE_CLOSE_AFTER, Type.STRING, "PT5M", DurationValidator.atLeastZero(), Importance.MEDIUM,
                    "a partition without requests for this long lets its billing clock follow the wall clock")
            .define(CLOSE_CHECK_INTERVAL, Type.STRING, "PT1M", DurationValidator.positive(), Importance.LOW,
                    "how often the wall clock is checked for months of quiet partitions")
            .define(SUPPLEMENTAL_WINDOW, Type.STRING, "PT1H", DurationValidator.atLeastZero(), Importance.MEDIUM,
                    "late requests of a closed account-month gather into one supplemental set, emitted this long "
                            + "after the first of them on the billing clock, or when the partition goes idle (PT0S: "
                            + "one set per late request; rule 11)")
            .define(STATUS_INTERVAL, Type.STRING, "PT10S", DurationValidator.atLeastZero(), Importance.MEDIUM,
                    "an account's spend status is emitted at once when its status, credit, ceiling or period changes, "
                            + "and for usage changes at most once this long on the billing clock (PT0S: every change; "
                            + "rule 12)")
            .define(EARLIEST_VALID_TIME, Type.STRING, "2020-01-01T00:00:00Z", new InstantValidator(), Importance.LOW,
                    "older completed_at is rejected INVALID_TIMESTAMP (rule 4)")
            .define(WIRE_FORMAT, Type.STRING, WireFormat.SINGLE_OBJECT.configName(),
                    ConfigDef.ValidString.in(WireFormat.SINGLE_OBJECT.configName(), WireFormat.REGISTRY.configName()),
                    Importance.HIGH, "wire format of Avro keys and values: single-object or registry")
            .define(SCHEMA_REGISTRY_URL, Type.STRING, null, Importance.MEDIUM,
                    "the registry's Confluent-compatible REST root, required by the registry format: "
                            + "http://host:8081 (Confluent, Karapace, Redpanda), http://host:8080/apis/ccompat/v7 (Apicurio)")
            .define(SCHEMA_REGISTRY_AUTO_REGISTER, Type.BOOLEAN, true, Importance.MEDIUM,
                    "whether the pipeline registers its output schemas itself; false: they must be registered first "
                            + "(schemas), else the start fails naming the missing subjects")
            .define(SCHEMA_REGISTRY_USER_INFO, Type.PASSWORD, null, Importance.MEDIUM,
                    "user:password for the registry's HTTP basic authentication")
            .define(SCHEMA_REGISTRY_TIMEOUT, Type.STRING, "PT10S", DurationValidator.positive(), Importance.LOW,
                    "longest registry request; past it the registry counts as unavailable")
            .define(INTAKE_MISROUTED, Type.STRING, MisroutedPolicy.ROUTE.configName(),
                    ConfigDef.ValidString.in(MisroutedPolicy.ROUTE.configName(), MisroutedPolicy.REJECT.configName()),
                    Importance.HIGH, "a request on another partition of flux.requests.routed than Kafka's default "
                            + "partitioner (murmur2 of the key) gives its account: route sends it to its account's "
                            + "partition through <application.id>-requests-misrouted-repartition (only such requests "
                            + "take that topic), reject rejects it WRONG_PARTITION (rule 4a)")
            .define(INTAKE_MODEL_CACHE, Type.BOOLEAN, true, Importance.LOW,
                    "true: each task keeps the served models' lanes it read from the catalog-models global store until "
                            + "the catalog flow changes that store; false: decodes the model's entry for every request "
                            + "(the behaviour before, which bench measures beside it). Prices are the same either way "
                            + "(rule 2)")
            .define(INTAKE_RATE_CACHE, Type.BOOLEAN, true, Importance.LOW,
                    "true: each task keeps the rate versions it decoded from the catalog-rates global store until the "
                            + "catalog flow changes that store; false: decodes them for every request (the behaviour "
                            + "before, which bench measures beside it). Prices are the same either way (rule 2)")
            .define(STATE_STORES, Type.STRING, "rocksdb", ConfigDef.ValidString.in("rocksdb", "in_memory"),
                    Importance.HIGH, "rocksdb or in_memory; run refuses in_memory without flux.unsafe.allow")
            .define(STATE_CHANGELOGS, Type.BOOLEAN, true, Importance.HIGH,
                    "changelogs for the stores; run refuses false without flux.unsafe.allow (replay turns them off)")
            // 256 MiB: a pod's limit is 1.5 GiB with 60 % of it heap (deploy/), which leaves about 600 MiB outside the
            // heap for the JVM's own memory and RocksDB. Unbounded, Kafka Streams gives every store instance a 50 MiB
            // block cache plus up to 3 x 16 MiB memtables, with index and filter blocks outside both: five stores per
            // task and three global stores reach gigabytes on a pod holding a few tasks and their standbys.
            .define(ROCKSDB_MEMORY, Type.LONG, 256L << 20, Range.atLeast(1L << 20), Importance.MEDIUM,
                    "bytes of off-heap memory for all RocksDB stores of the process together (run, demo): one LRU "
                            + "block cache shared by every store holds their data, index and filter blocks, and their "
                            + "memtables are charged to it (rocksdb.config.setter)")
            // 64 MiB, a quarter: memtables only buffer the writes between flushes, while the rest of the cache keeps
            // the index and filter blocks and the hot account-months that every request reads.
            .define(ROCKSDB_WRITE_BUFFER_MEMORY, Type.LONG, 64L << 20, Range.atLeast(1L << 20), Importance.LOW,
                    "bytes of flux.state.rocksdb.memory that memtables may take, across every store (a write-buffer "
                            + "manager); past it the largest memtable is flushed. Must be less than "
                            + "flux.state.rocksdb.memory")
            .define(HTTP_HOST, Type.STRING, "127.0.0.1", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                    "where the HTTP API listens; off loopback it needs tokens")
            .define(HTTP_PORT, Type.INT, 8080, Range.between(0, 65535), Importance.MEDIUM,
                    "the HTTP API's port (0 for any free port)")
            .define(HTTP_ADVERTISED_HOST, Type.STRING, null, Importance.MEDIUM,
                    "the host other instances forward to (application.server); defaults to the listen host, "
                            + "required when listening on 0.0.0.0")
            .define(HTTP_READY_MAX_LAG, Type.LONG, 10_000L, Range.atLeast(0), Importance.LOW,
                    "/ready is 503 while an input partition is more records than this behind")
            // 100: a standby that keeps up trails its changelog by about one commit's records and transaction
            // marker, a handful of offsets; a few commits behind still passes, while a copy restoring from far back
            // (thousands behind) does not. Each offset is at most one account's status change on that partition.
            .define(HTTP_STATUS_MAX_LAG, Type.LONG, 100L, Range.atLeast(0), Importance.LOW,
                    "GET /accounts/{account}/status answers from a standby or still-restoring copy of the account's "
                            + "spend-status partition (during a rebalance, or when the owner does not answer) only "
                            + "while it is at most this many changelog offsets behind; the active copy of a running "
                            + "instance always answers")
            .define(HTTP_TOKEN, Type.PASSWORD, null, Importance.MEDIUM,
                    "operator bearer token of the API: reads every account")
            .define(HTTP_ACCOUNT_TOKENS, Type.PASSWORD, null, Importance.MEDIUM,
                    "account bearer tokens of the API, account=token,account=token: each reads its account only")
            // Five: a persistent failure is replaced after 0, 1, 2, 4 and 8 s of backoff (RestartBackoff), so it
            // exceeds five within about 15 s and the pod is restarted; a registry blip costs one or two.
            .define(HEALTH_MAX_THREAD_REPLACEMENTS, Type.INT, 5, Range.atLeast(0), Importance.MEDIUM,
                    "/health turns 503 when stream threads were replaced more often than this within "
                            + "flux.health.replacement-window")
            // Ten minutes: longer than the backoff's 5-minute quiet period, so a loop slowed to one failure a
            // minute still counts up, while one failure a day never does.
            .define(HEALTH_REPLACEMENT_WINDOW, Type.STRING, "PT10M", DurationValidator.positive(), Importance.MEDIUM,
                    "the window in which thread replacements are counted for /health")
            // A minute: Micrometer's own default. Each re-read walks every metric of the client (a few thousand with
            // a handful of tasks); the tests, which wait for series to come and go, use a second.
            // At least a second: below a millisecond the timer's period would be zero (refused at start), and a few
            // milliseconds would re-read thousands of metrics without pause.
            .define(METRICS_REFRESH_INTERVAL, Type.STRING, "PT1M", DurationValidator.atLeast(Duration.ofSeconds(1)),
                    Importance.LOW,
                    "how often /metrics re-reads the Kafka Streams client's metrics: series Kafka created since (a "
                            + "task's after an assignment, a partition's lag, a replacement thread's) appear, and those "
                            + "of dead threads leave, within this long")
            .define(UNSAFE_ALLOW, Type.BOOLEAN, false, Importance.HIGH,
                    "lets run use settings that can lose or double-count usage: a processing.guarantee other than "
                            + "exactly_once_v2, flux.state.changelogs=false, flux.state.stores=in_memory (bench, "
                            + "replay and tests only)")
            .define(LOG_FORMAT, Type.STRING, "text", ConfigDef.ValidString.in("text", "json"), Importance.LOW,
                    "FLUX_LOG_FORMAT (environment): json writes one JSON object per log line (the image's default)")
            .define(LOG_LEVEL, Type.STRING, "INFO",
                    ConfigDef.ValidString.in("ERROR", "WARN", "INFO", "DEBUG", "TRACE"), Importance.LOW,
                    "FLUX_LOG_LEVEL (environment): the pipeline's log level; DEBUG adds a line per rejection, late "
                            + "request and alert with account_id and request_id");

    /** Where state stores live: RocksDB on disk for the service, memory for replay and tests. */
    public enum StoreKind { ROCKSDB, IN_MEMORY }

    private final Map<String, String> settings;

    private BillingConfig(Map<String, String> settings) {
        super(DEFINITION, settings, false);
        this.settings = settings;
    }

    /** The defaults of every setting. */
    public static BillingConfig defaults() {
        return of(Map.of());
    }

    /**
     * Validates and wraps settings: the {@code flux.*} ones are checked against {@link #DEFINITION}, the rest kept as
     * they are for Kafka Streams.
     *
     * @throws ConfigException naming the key: an unknown {@code flux.*} key (the message lists the known ones), a
     *                         value of the wrong type or out of range, the registry format without its URL, or
     *                         {@value #ROCKSDB_WRITE_BUFFER_MEMORY} not less than {@value #ROCKSDB_MEMORY}
     */
    public static BillingConfig of(Map<String, String> settings) {
        refuseUnknown(settings);
        BillingConfig config = new BillingConfig(Map.copyOf(settings));
        config.validate();
        return config;
    }

    /** {@link #of(Map)} for properties (string properties only). */
    public static BillingConfig of(Properties properties) {
        Map<String, String> map = new HashMap<>();
        properties.stringPropertyNames().forEach(name -> map.put(name, properties.getProperty(name)));
        return of(map);
    }

    /** A copy with one setting changed, validated again. */
    public BillingConfig with(String key, String value) {
        Map<String, String> copy = new HashMap<>(settings);
        copy.put(key, value);
        return of(copy);
    }

    public WireFormat wireFormat() {
        return WireFormat.parse(getString(WIRE_FORMAT));
    }

    /** The schema registry's REST root (Confluent API; Apicurio's under /apis/ccompat/v7); required by the registry format. */
    public String schemaRegistryUrl() {
        return getString(SCHEMA_REGISTRY_URL);
    }

    /** Whether the pipeline may register its schemas itself; off, they must be registered before it starts. */
    public boolean autoRegister() {
        return getBoolean(SCHEMA_REGISTRY_AUTO_REGISTER);
    }

    /** {@code user:password} for the registry's HTTP basic authentication, or null. */
    public String schemaRegistryUserInfo() {
        return secret(SCHEMA_REGISTRY_USER_INFO);
    }

    /** How long one registry request may take before it counts as the registry being unavailable. */
    public Duration schemaRegistryTimeout() {
        return duration(SCHEMA_REGISTRY_TIMEOUT);
    }

    public StoreKind storeKind() {
        return StoreKind.valueOf(getString(STATE_STORES).toUpperCase(Locale.ROOT));
    }

    /**
     * Whether stores write changelogs. Always on for a live pipeline (restores and standbys need them); replay, whose
     * state lives only as long as the run, turns them off.
     */
    public boolean changelogs() {
        return getBoolean(STATE_CHANGELOGS);
    }

    /**
     * Off-heap bytes for every RocksDB store of the process together: the shared block cache, which the memtables are
     * charged to as well. At least 1 MiB.
     */
    public long rocksDbMemory() {
        return getLong(ROCKSDB_MEMORY);
    }

    /** Bytes of {@link #rocksDbMemory()} the memtables of every store may take together; less than it. */
    public long rocksDbWriteBufferMemory() {
        return getLong(ROCKSDB_WRITE_BUFFER_MEMORY);
    }

    /** How long after a month's end requests may still arrive before the month closes (rule 10). */
    public Duration grace() {
        return duration(GRACE);
    }

    /** How long an accepted request_id is remembered (rule 3); always positive. */
    public Duration dedupWindow() {
        return duration(DEDUP_WINDOW);
    }

    /** Whether each accepted id gets a FORGET_ID deadline instead of being forgotten by the id store's walk. */
    public boolean forgetIdsByDeadline() {
        return getBoolean(FORGET_IDS_BY_DEADLINE);
    }

    /** How many accounts' last spend statuses each meter task holds as objects (0: none); never negative. */
    public int statusCacheEntries() {
        return getInt(STATUS_CACHE_ENTRIES);
    }

    /** How many account-months each meter task holds as objects (0: none); never negative. */
    public int monthCacheEntries() {
        return getInt(MONTH_CACHE_ENTRIES);
    }

    /**
     * How many changed account-months and statuses each meter task and store holds until its commit (0: none, Kafka
     * Streams' record cache instead); never negative.
     */
    public int writeBehindEntries() {
        return getInt(WRITE_BEHIND_ENTRIES);
    }

    /**
     * Whether the spend-status store has Kafka Streams' record cache in front of it (RocksDB stores only), when
     * {@link #writeBehindEntries()} is 0.
     */
    public boolean statusStoreRecordCache() {
        return getBoolean(STATUS_STORE_RECORD_CACHE);
    }

    /** How many accounts' published plans each pricing task holds as objects (0: none); never negative. */
    public int plansCacheEntries() {
        return getInt(PLANS_CACHE_ENTRIES);
    }

    /** How often live operation checks the wall clock for months of quiet partitions; always positive. */
    public Duration closeCheckInterval() {
        return duration(CLOSE_CHECK_INTERVAL);
    }

    /** A partition with no request for this long is quiet: its billing clock follows the wall clock. */
    public Duration idleCloseAfter() {
        return duration(IDLE_CLOSE_AFTER);
    }

    /**
     * How long, on the billing clock, the late requests of a closed account-month gather into one pending
     * supplemental set after the first of them (rule 11); zero emits a set per late request at once.
     */
    public Duration supplementalWindow() {
        return duration(SUPPLEMENTAL_WINDOW);
    }

    /**
     * The least time, on the billing clock, between two spend statuses of an account that differ only in usage
     * (rule 12); zero emits every change.
     */
    public Duration statusInterval() {
        return duration(STATUS_INTERVAL);
    }

    /** Requests completed before this instant are rejected as INVALID_TIMESTAMP (rule 4). */
    public Instant earliestValidTime() {
        return Instant.parse(getString(EARLIEST_VALID_TIME));
    }

    /**
     * What intake does with a request on a partition other than its account's (rule 4a): {@code route} (default)
     * sends it to its account's partition, {@code reject} rejects it WRONG_PARTITION.
     *
     * @throws IllegalArgumentException if the setting is neither
     */
    public MisroutedPolicy misroutedPolicy() {
        return MisroutedPolicy.parse(getString(INTAKE_MISROUTED));
    }

    /**
     * Whether pricing keeps the served models' lanes per task until the catalog changes them (default) or decodes the
     * model's entry from the global store for every request; rule 2's prices are the same either way.
     */
    public boolean modelCache() {
        return getBoolean(INTAKE_MODEL_CACHE);
    }

    /**
     * Whether pricing keeps the decoded rate versions per task until the catalog changes them (default) or decodes them
     * from the global store for every request; rule 2's prices are the same either way.
     */
    public boolean rateCache() {
        return getBoolean(INTAKE_RATE_CACHE);
    }

    /** The HTTP API's listen address ({@code 127.0.0.1} by default). */
    public String httpHost() {
        return getString(HTTP_HOST);
    }

    /** The HTTP API's port, 0 to 65535; 0 means any free port. */
    public int httpPort() {
        return getInt(HTTP_PORT);
    }

    /** The host other instances reach this one's API at, or null for the listen host. */
    public String httpAdvertisedHost() {
        return getString(HTTP_ADVERTISED_HOST);
    }

    /** Records an input partition may lag, at most, for {@code /ready} to answer 200. */
    public long readyMaxLag() {
        return getLong(HTTP_READY_MAX_LAG);
    }

    /**
     * Changelog offsets a standby or restoring copy of a spend-status partition may be behind for
     * {@code GET /accounts/{account}/status} to answer from it (rule 12); 0 or more, default 100.
     */
    public long statusMaxLag() {
        return getLong(HTTP_STATUS_MAX_LAG);
    }

    /**
     * Stream-thread replacements allowed within {@link #healthReplacementWindow()} before {@code /health} turns 503
     * (issue 10, item 3). Default 5.
     */
    public int healthMaxThreadReplacements() {
        return getInt(HEALTH_MAX_THREAD_REPLACEMENTS);
    }

    /** The sliding window in which thread replacements are counted for {@code /health}; positive, default 10 min. */
    public Duration healthReplacementWindow() {
        return duration(HEALTH_REPLACEMENT_WINDOW);
    }

    /** How often {@code /metrics} re-reads the Kafka Streams client's metrics; positive, default 1 min. */
    public Duration metricsRefreshInterval() {
        return duration(METRICS_REFRESH_INTERVAL);
    }

    /**
     * Whether settings that can lose or double-count usage are allowed on a live cluster: a processing guarantee
     * other than exactly_once_v2, no changelogs, in-memory stores. False by default; bench and tests set it.
     */
    public boolean unsafeAllowed() {
        return getBoolean(UNSAFE_ALLOW);
    }

    /** Every setting as given (flux.* and the rest), for Kafka Streams and the handlers it configures. */
    public Map<String, String> settings() {
        return settings;
    }

    private Duration duration(String key) {
        return Duration.parse(getString(key));
    }

    private String secret(String key) {
        Password password = getPassword(key);
        return password == null ? null : password.value();
    }

    private static void refuseUnknown(Map<String, String> settings) {
        TreeSet<String> unknown = new TreeSet<>();
        settings.keySet().stream().filter(key -> key.startsWith(PREFIX) && !DEFINITION.names().contains(key))
                .forEach(unknown::add);
        if (!unknown.isEmpty()) {
            throw new ConfigException("unknown setting" + (unknown.size() > 1 ? "s " : " ") + String.join(", ", unknown)
                    + " (a typo would be ignored silently); the known flux.* settings are: "
                    + String.join(", ", new TreeSet<>(DEFINITION.names())));
        }
    }

    /** Checks across settings, which the per-key validators cannot see. */
    private void validate() {
        if (wireFormat() == WireFormat.REGISTRY && (schemaRegistryUrl() == null || schemaRegistryUrl().isBlank())) {
            throw new ConfigException(WIRE_FORMAT + "=registry needs " + SCHEMA_REGISTRY_URL);
        }
        if (rocksDbWriteBufferMemory() >= rocksDbMemory()) {
            throw new ConfigException(ROCKSDB_WRITE_BUFFER_MEMORY + "=" + rocksDbWriteBufferMemory()
                    + " must be less than " + ROCKSDB_MEMORY + "=" + rocksDbMemory()
                    + ": the memtables are charged to that memory, and the data blocks need the rest");
        }
    }
}
