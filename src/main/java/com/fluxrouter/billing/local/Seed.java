package com.fluxrouter.billing.local;

import com.fluxrouter.billing.catalog.PublishedPriceList;
import com.fluxrouter.billing.schema.AccountPlan;
import com.fluxrouter.billing.schema.AccountPlanKey;
import com.fluxrouter.billing.schema.LaneRate;
import com.fluxrouter.billing.schema.LaneRateKey;
import com.fluxrouter.billing.schema.ModelLane;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.topology.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Publishes the published price list and plans to their compacted topics, keyed by version as the contract says,
 * so seeding again changes nothing. Every send is checked: a record the broker did not take fails the seeding
 * loudly instead of leaving a pipeline waiting for a plan that never comes.
 */
public final class Seed {
    private Seed() {
    }

    /**
     * A producer for seeding. Not idempotent: on topics just created the idempotent producer can loop on
     * OUT_OF_ORDER_SEQUENCE_NUMBER and drop records (KAFKA-15591; seen here with 1,000 plans on a loaded machine).
     * Catalog and plan records are keyed versions on compacted topics, so a retried duplicate changes nothing, and
     * one request in flight keeps their order.
     */
    public static KafkaProducer<byte[], byte[]> producer(String bootstrapServers) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1,
                ProducerConfig.LINGER_MS_CONFIG, 5),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    public static void catalog(Producer<byte[], byte[]> producer, Serdes serdes) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (ModelLane model : PublishedPriceList.models()) {
            records.add(new ProducerRecord<>(Topics.MODELS, serdes.string().serializer().serialize(Topics.MODELS, model.getModelId()),
                    serdes.avro(ModelLane.class).serializer().serialize(Topics.MODELS, model)));
        }
        for (LaneRate rate : PublishedPriceList.rates()) {
            records.add(new ProducerRecord<>(Topics.RATES,
                    serdes.avro(LaneRateKey.class).serializer().serialize(Topics.RATES, new LaneRateKey(rate.getLane(), rate.getEffectiveFrom())),
                    serdes.avro(LaneRate.class).serializer().serialize(Topics.RATES, rate)));
        }
        sendAll(producer, records);
    }

    public static void plans(Producer<byte[], byte[]> producer, Serdes serdes, List<AccountPlan> plans) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (AccountPlan plan : plans) {
            records.add(new ProducerRecord<>(Topics.PLANS,
                    serdes.avro(AccountPlanKey.class).serializer().serialize(Topics.PLANS, new AccountPlanKey(plan.getAccountId(), plan.getEffectiveFrom())),
                    serdes.avro(AccountPlan.class).serializer().serialize(Topics.PLANS, plan)));
        }
        sendAll(producer, records);
    }

    private static void sendAll(Producer<byte[], byte[]> producer, List<ProducerRecord<byte[], byte[]>> records) {
        List<Future<RecordMetadata>> sent = new ArrayList<>(records.size());
        for (ProducerRecord<byte[], byte[]> record : records) {
            sent.add(producer.send(record));
        }
        producer.flush();
        for (Future<RecordMetadata> result : sent) {
            try {
                result.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("seeding failed: the broker did not take a record of "
                        + records.get(sent.indexOf(result)).topic(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while seeding", e);
            }
        }
    }
}
