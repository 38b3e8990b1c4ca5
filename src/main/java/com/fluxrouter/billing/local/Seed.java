package com.fluxrouter.billing.local;

import com.fluxrouter.billing.catalog.PublishedPriceList;
import com.fluxrouter.billing.schema.AccountPlan;
import com.fluxrouter.billing.schema.AccountPlanKey;
import com.fluxrouter.billing.schema.LaneRate;
import com.fluxrouter.billing.schema.LaneRateKey;
import com.fluxrouter.billing.schema.ModelLane;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.topology.Topics;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.util.List;

/**
 * Publishes the published price list and plans to their compacted topics, keyed by version as the contract says,
 * so seeding again changes nothing.
 */
public final class Seed {
    private Seed() {
    }

    public static void catalog(Producer<byte[], byte[]> producer, Serdes serdes) {
        for (ModelLane model : PublishedPriceList.models()) {
            producer.send(new ProducerRecord<>(Topics.MODELS, serdes.string().serializer().serialize(Topics.MODELS, model.getModelId()),
                    serdes.avro(ModelLane.class).serializer().serialize(Topics.MODELS, model)));
        }
        for (LaneRate rate : PublishedPriceList.rates()) {
            producer.send(new ProducerRecord<>(Topics.RATES,
                    serdes.avro(LaneRateKey.class).serializer().serialize(Topics.RATES, new LaneRateKey(rate.getLane(), rate.getEffectiveFrom())),
                    serdes.avro(LaneRate.class).serializer().serialize(Topics.RATES, rate)));
        }
        producer.flush();
    }

    public static void plans(Producer<byte[], byte[]> producer, Serdes serdes, List<AccountPlan> plans) {
        for (AccountPlan plan : plans) {
            producer.send(new ProducerRecord<>(Topics.PLANS,
                    serdes.avro(AccountPlanKey.class).serializer().serialize(Topics.PLANS, new AccountPlanKey(plan.getAccountId(), plan.getEffectiveFrom())),
                    serdes.avro(AccountPlan.class).serializer().serialize(Topics.PLANS, plan)));
        }
        producer.flush();
    }
}
