package com.fluxrouter.billing.topology;

import com.fluxrouter.billing.schema.AccountMonthKey;
import com.fluxrouter.billing.schema.AccountPlan;
import com.fluxrouter.billing.schema.AccountPlanKey;
import com.fluxrouter.billing.schema.InvoiceLine;
import com.fluxrouter.billing.schema.LaneRate;
import com.fluxrouter.billing.schema.LaneRateKey;
import com.fluxrouter.billing.schema.ModelLane;
import com.fluxrouter.billing.schema.OverageUpdate;
import com.fluxrouter.billing.schema.PricedRequest;
import com.fluxrouter.billing.schema.RejectedRecord;
import com.fluxrouter.billing.schema.RoutedRequest;
import com.fluxrouter.billing.schema.SpendAlert;
import com.fluxrouter.billing.schema.SpendStatus;
import com.fluxrouter.billing.serde.Subjects;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which Avro records each contract topic carries, as schema-registry subjects (TopicNameStrategy). String keys
 * (account_id, model_id) are plain UTF-8 and have no subject; the rejected topic's key is the original key bytes.
 */
public final class TopicSchemas {
    private record Contract(String topic, Class<? extends SpecificRecord> key, Class<? extends SpecificRecord> value) {
    }

    private static final List<Contract> CONTRACTS = List.of(
            new Contract(Topics.ROUTED, null, RoutedRequest.class),
            new Contract(Topics.MODELS, null, ModelLane.class),
            new Contract(Topics.RATES, LaneRateKey.class, LaneRate.class),
            new Contract(Topics.PLANS, AccountPlanKey.class, AccountPlan.class),
            new Contract(Topics.PRICED, null, PricedRequest.class),
            new Contract(Topics.OVERAGE, AccountMonthKey.class, OverageUpdate.class),
            new Contract(Topics.ALERTS, AccountMonthKey.class, SpendAlert.class),
            new Contract(Topics.INVOICE_LINES, AccountMonthKey.class, InvoiceLine.class),
            new Contract(Topics.REJECTED, null, RejectedRecord.class),
            new Contract(Topics.SPEND_STATUS, null, SpendStatus.class));

    private TopicSchemas() {
    }

    /** The subjects the pipeline writes: those of its output topics. */
    public static Map<String, Schema> written() {
        return subjects(Topics.OUTPUTS);
    }

    /** Every subject of the contract, inputs (written by the router fleet and catalog tools) and outputs. */
    public static Map<String, Schema> all() {
        return subjects(CONTRACTS.stream().map(Contract::topic).toList());
    }

    /** The Avro key type of a contract topic; empty for a String key (or for a topic outside the contract). */
    public static Optional<Class<? extends SpecificRecord>> keyType(String topic) {
        return contract(topic).map(Contract::key);
    }

    /** The value type of a contract topic; empty for a topic outside the contract. */
    public static Optional<Class<? extends SpecificRecord>> valueType(String topic) {
        return contract(topic).map(Contract::value);
    }

    private static Optional<Contract> contract(String topic) {
        return CONTRACTS.stream().filter(contract -> contract.topic().equals(topic)).findFirst();
    }

    static Map<String, Schema> subjects(Collection<String> topics) {
        Map<String, Schema> subjects = new LinkedHashMap<>();
        for (Contract contract : CONTRACTS) {
            if (!topics.contains(contract.topic())) {
                continue;
            }
            if (contract.key() != null) {
                subjects.put(Subjects.of(contract.topic(), true), SpecificData.get().getSchema(contract.key()));
            }
            subjects.put(Subjects.of(contract.topic(), false), SpecificData.get().getSchema(contract.value()));
        }
        return subjects;
    }
}
