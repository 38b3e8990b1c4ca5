package com.fluxrouter.billing.local;

import com.fluxrouter.billing.intake.IntakeFlow;
import com.fluxrouter.billing.topology.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.streams.StreamsConfig;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How many partitions {@code flux.requests.routed} has, asked of the cluster when the pipeline starts: the partition
 * check of intake (rule 4a) needs it to know which partition each account belongs on.
 */
final class RequestPartitions {
    private RequestPartitions() {
    }

    /**
     * Adds {@value IntakeFlow#REQUEST_PARTITIONS} to the Kafka Streams settings, from the topic's metadata.
     *
     * @param properties the application's Kafka Streams settings (bootstrap servers and security included)
     * @throws IllegalStateException if the topic does not exist or the cluster does not answer within 60 s
     */
    static void resolve(Properties properties) {
        Map<String, Object> admin = new StreamsConfig(properties).getAdminConfigs("flux-billing-request-partitions");
        try (Admin client = Admin.create(admin)) {
            int partitions = client.describeTopics(List.of(Topics.ROUTED)).allTopicNames().get(60, TimeUnit.SECONDS)
                    .get(Topics.ROUTED).partitions().size();
            properties.put(IntakeFlow.REQUEST_PARTITIONS, Integer.toString(partitions));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new IllegalStateException(Topics.ROUTED + " does not exist: create the topics first "
                        + "(`flux-billing topics`)", e.getCause());
            }
            throw new IllegalStateException("cannot read the partitions of " + Topics.ROUTED, e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot read the partitions of " + Topics.ROUTED + " within 60 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the partitions of " + Topics.ROUTED, e);
        }
    }
}
