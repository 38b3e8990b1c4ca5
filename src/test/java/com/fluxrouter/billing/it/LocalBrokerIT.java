package com.fluxrouter.billing.it;

import com.fluxrouter.billing.local.LocalBroker;
import com.fluxrouter.billing.local.TopicSetup;
import com.fluxrouter.billing.topology.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The demo's embedded broker is a real broker, and a second start on the same directory resumes its data. */
class LocalBrokerIT {
    @TempDir
    Path dataDir;

    @Test
    void keepsItsRecordsAcrossARestartOnTheSameDataDirectory() throws Exception {
        try (LocalBroker broker = LocalBroker.start(dataDir, 0)) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("t", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                    ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>("t", "k", "v")).get(30, TimeUnit.SECONDS);
            }
        }
        try (LocalBroker broker = LocalBroker.start(dataDir, 0)) {
            assertThat(read(broker, "t")).containsExactly("v");
        }
    }

    @Test
    void topicSetupCreatesTheContractTopicsAndReportsTopicsThatDiffer() throws Exception {
        try (LocalBroker broker = LocalBroker.start(dataDir, 0);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            assertThat(TopicSetup.ensure(admin, 2, (short) 1)).contains(Topics.ROUTED, Topics.INVOICE_LINES, Topics.MODELS);
            assertThat(TopicSetup.ensure(admin, 2, (short) 1)).as("second run creates nothing").isEmpty();
            assertThat(TopicSetup.check(admin, 2)).isEmpty();
            assertThat(TopicSetup.check(admin, 4)).anyMatch(problem -> problem.startsWith(Topics.ROUTED + ": 2 partitions"));
        }
    }

    private static List<String> read(LocalBroker broker, String topic) {
        return CommittedRecords.snapshot(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                topic).stream().map(record -> new String(record.value(), StandardCharsets.UTF_8)).toList();
    }
}
