package com.fluxrouter.billing.topology;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The topics the pipeline reads and writes, with their configs: compaction for the catalog, plan and spend-status
 * topics (the latest record per key is the truth), time retention for the rest. Internal topics are left to Kafka
 * Streams.
 */
public final class TopicSpecs {
    /** Requests and outputs are kept 90 days: long enough to re-process a closed month or audit an invoice. */
    static final String RETENTION_MS = Long.toString(90L * 24 * 3600 * 1000);
    /**
     * Largest record of flux.requests.rejected, and of the pipeline's producer requests. A rejected record carries
     * the input record's key twice (as its own key and inside) and its value, plus a few KB of reason, detail and
     * source: it needs room for twice the largest input record (1 MiB by default) and more. With less, a record the
     * broker accepted on an input would have a rejection that cannot be written, and its partition would stop.
     */
    public static final int REJECTED_MAX_BYTES = 3 * 1024 * 1024;
    /**
     * Segments of {@code flux.accounts.spend-status} roll every 10 minutes. Compaction never touches the active
     * segment, and with the broker's default (7 days) a fleet instance that starts would read up to a week of status
     * records (up to one per busy account every {@code flux.billing.status-interval}) before its cache is current;
     * with 10 minutes it reads each account's latest record and at most about 10 minutes of newer ones.
     */
    static final String STATUS_SEGMENT_MS = Long.toString(10L * 60 * 1000);
    /**
     * A spend-status record stays at least a minute before compaction may drop it, so a consumer up to a minute
     * behind sees every transition (CAPPED, then ACTIVE), not only the latest. Longer buys nothing: the latest record
     * of an account is its whole state.
     */
    static final String STATUS_MIN_COMPACTION_LAG_MS = Long.toString(60L * 1000);
    /** Catalog topics are tiny: one partition keeps their order obvious. */
    private static final int CATALOG_PARTITIONS = 1;

    private TopicSpecs() {
    }

    /** {@link #all(String, int, short)} for the default application id. */
    public static List<NewTopic> all(int partitions, short replication) {
        return all(StreamsSettings.DEFAULT_APPLICATION_ID, partitions, replication);
    }

    /**
     * @param applicationId the application whose own catalog topics to include ({@link Topics#owned})
     * @param partitions    partitions of the account-keyed topics (requests, plans and every output); the number
     *                      of pipeline instances that can share the work
     * @param replication   replication factor (1 on a single local broker)
     * @return the contract topics and the application's own topics, with their partitions and configs
     */
    public static List<NewTopic> all(String applicationId, int partitions, short replication) {
        List<NewTopic> topics = new ArrayList<>();
        for (String topic : List.of(Topics.ROUTED, Topics.PLANS, Topics.PRICED, Topics.OVERAGE, Topics.ALERTS,
                Topics.INVOICE_LINES, Topics.REJECTED, Topics.SPEND_STATUS)) {
            topics.add(topic(topic, partitions, replication));
        }
        for (String topic : List.of(Topics.MODELS, Topics.RATES)) {
            topics.add(topic(topic, CATALOG_PARTITIONS, replication));
        }
        topics.addAll(owned(applicationId, Optional.of(replication)));
        return topics;
    }

    /**
     * The application's own catalog topics ({@link Topics#owned}), compacted, one partition each.
     *
     * @param replication the replication factor, or empty for the broker's default
     */
    public static List<NewTopic> owned(String applicationId, Optional<Short> replication) {
        return Topics.owned(applicationId).stream()
                .map(name -> new NewTopic(name, Optional.of(CATALOG_PARTITIONS), replication).configs(configs(name)))
                .toList();
    }

    private static NewTopic topic(String name, int partitions, short replication) {
        return new NewTopic(name, Optional.of(partitions), Optional.of(replication)).configs(configs(name));
    }

    /**
     * The configs of a topic. Requests carry the broker's append time, not the producer's clock: rule 4 judges
     * "in the future" against it, and a producer with a wrong clock must not be able to move it. The plans' valid
     * copy keeps the time each version was published, whatever the broker's default. The spend status is compacted
     * with no time retention (an account's latest status is its state however long ago it was written), in short
     * segments so that compaction keeps it close to one record per account.
     */
    public static Map<String, String> configs(String name) {
        Map<String, String> configs = new HashMap<>();
        if (Topics.isCompacted(name)) {
            configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        } else {
            configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
            configs.put(TopicConfig.RETENTION_MS_CONFIG, RETENTION_MS);
        }
        if (name.equals(Topics.REJECTED)) {
            configs.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(REJECTED_MAX_BYTES));
        }
        if (name.equals(Topics.SPEND_STATUS)) {
            configs.put(TopicConfig.SEGMENT_MS_CONFIG, STATUS_SEGMENT_MS);
            configs.put(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, STATUS_MIN_COMPACTION_LAG_MS);
        }
        if (name.equals(Topics.ROUTED)) {
            configs.put(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime");
        }
        if (Topics.isPlansValid(name)) {
            // Its timestamps are when each version was published (rule 6, "Production order"): a broker whose default
            // is append time would stamp the copy's time instead and meter history without its plans.
            configs.put(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "CreateTime");
        }
        return configs;
    }
}
