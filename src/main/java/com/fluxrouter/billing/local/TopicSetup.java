package com.fluxrouter.billing.local;

import com.fluxrouter.billing.topology.StreamsSettings;
import com.fluxrouter.billing.topology.TopicSpecs;
import com.fluxrouter.billing.topology.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Creates the pipeline's topics that are missing, then waits until every partition has a leader. */
public final class TopicSetup {
    private TopicSetup() {
    }

    /** {@link #ensure(Admin, String, int, short)} for the default application id. */
    public static List<String> ensure(Admin admin, int partitions, short replication) throws Exception {
        return ensure(admin, StreamsSettings.DEFAULT_APPLICATION_ID, partitions, replication);
    }

    /**
     * Creates the contract topics and the application's own catalog topics that are missing, and waits for leaders.
     *
     * @return the topics it created
     */
    public static List<String> ensure(Admin admin, String applicationId, int partitions, short replication)
            throws Exception {
        return create(admin, TopicSpecs.all(applicationId, partitions, replication));
    }

    /**
     * Creates the application's own catalog topics ({@code <application.id>.catalog.*.valid}) if missing, with the
     * given replication or the broker's default, as Kafka Streams does with its internal topics: a pipeline under a
     * new application id starts without a separate {@code topics} run.
     *
     * @return the topics it created
     */
    public static List<String> ensureOwned(Admin admin, String applicationId, Optional<Short> replication)
            throws Exception {
        return create(admin, TopicSpecs.owned(applicationId, replication));
    }

    private static List<String> create(Admin admin, List<NewTopic> specs) throws Exception {
        Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
        List<NewTopic> missing = new ArrayList<>();
        for (NewTopic topic : specs) {
            if (!existing.contains(topic.name())) {
                missing.add(topic);
            }
        }
        if (!missing.isEmpty()) {
            // Another instance of the same application may create them at the same moment: that is success too.
            for (var created : admin.createTopics(missing).values().values()) {
                try {
                    created.get(60, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        }
        List<String> names = specs.stream().map(NewTopic::name).toList();
        awaitLeaders(admin, names);
        return missing.stream().map(NewTopic::name).toList();
    }

    /** {@link #check(Admin, String, int)} for the default application id. */
    public static List<String> check(Admin admin, int partitions) throws Exception {
        return check(admin, StreamsSettings.DEFAULT_APPLICATION_ID, partitions);
    }

    /** Differences between the existing topics and the specification: partitions and the specified configs. */
    public static List<String> check(Admin admin, String applicationId, int partitions) throws Exception {
        List<NewTopic> specs = TopicSpecs.all(applicationId, partitions, (short) 1);
        List<String> names = specs.stream().map(NewTopic::name).toList();
        Map<String, TopicDescription> descriptions = admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
        List<ConfigResource> resources = names.stream().map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name)).toList();
        Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get(30, TimeUnit.SECONDS);
        List<String> problems = new ArrayList<>();
        for (NewTopic spec : specs) {
            int actual = descriptions.get(spec.name()).partitions().size();
            if (actual != spec.numPartitions()) {
                problems.add(spec.name() + ": " + actual + " partitions, needs " + spec.numPartitions());
            }
            Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, spec.name()));
            spec.configs().forEach((key, expected) -> {
                String value = config.get(key) == null ? null : config.get(key).value();
                if (!expected.equals(value)) {
                    problems.add(spec.name() + ": " + key + "=" + value + ", needs " + expected);
                }
            });
        }
        return problems;
    }

    /**
     * Rule 4 of docs/billing-rules.md: whether {@code flux.requests.routed} stamps records with the broker's clock.
     *
     * @return a warning naming the topic's timestamp type when it is not {@code LogAppendTime}, or empty (also when
     * the topic does not exist yet: {@code topics} creates it right)
     * @throws Exception when the cluster cannot be asked within 30 s
     */
    public static java.util.Optional<String> routedTimestampWarning(Admin admin) throws Exception {
        ConfigResource routed = new ConfigResource(ConfigResource.Type.TOPIC, Topics.ROUTED);
        Config config;
        try {
            config = admin.describeConfigs(List.of(routed)).all().get(30, TimeUnit.SECONDS).get(routed);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return java.util.Optional.empty();
            }
            throw e;
        }
        String type = config.get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG) == null ? null
                : config.get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG).value();
        if ("LogAppendTime".equals(type)) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(Topics.ROUTED + " has " + TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG + "=" + type
                + ", not LogAppendTime: record timestamps are the routers' clocks. The pipeline caps each at its own "
                + "wall clock, so a router clock running ahead cannot bill requests in the future, but one running "
                + "behind makes its requests FUTURE_TIMESTAMP and reprocessing judges by those clocks. Set it with "
                + "kafka-configs --alter --entity-type topics --entity-name " + Topics.ROUTED + " --add-config "
                + TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG + "=LogAppendTime");
    }

    /**
     * Producing before every partition has a leader can make the idempotent producer loop on
     * OUT_OF_ORDER_SEQUENCE_NUMBER and drop records on a fresh broker (KAFKA-15591).
     */
    private static void awaitLeaders(Admin admin, Collection<String> names) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            if (allLed(admin, names)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("topics have no leader after 60 s: " + names);
            }
            Thread.sleep(50);
        }
    }

    /** A topic just created may not be in the broker's metadata yet: that is "no leader yet", not a failure. */
    private static boolean allLed(Admin admin, Collection<String> names) throws Exception {
        try {
            Collection<TopicDescription> descriptions = admin.describeTopics(names).allTopicNames()
                    .get(30, TimeUnit.SECONDS).values();
            return descriptions.stream().allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return false;
            }
            throw e;
        }
    }
}
