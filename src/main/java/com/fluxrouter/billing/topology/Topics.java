package com.fluxrouter.billing.topology;

import java.util.List;

/** Topic names: the contract with the router fleet and the billing consumers. */
public final class Topics {
    public static final String ROUTED = "flux.requests.routed";
    public static final String MODELS = "flux.catalog.models";
    public static final String RATES = "flux.catalog.rates";
    public static final String PLANS = "flux.accounts.plans";
    public static final String PRICED = "flux.requests.priced";
    public static final String OVERAGE = "flux.usage.overage";
    public static final String ALERTS = "flux.spend.alerts";
    public static final String INVOICE_LINES = "flux.invoice.lines";
    public static final String REJECTED = "flux.requests.rejected";
    /** Compacted, keyed by account_id: each account's latest {@code SpendStatus}, what the fleet routes by (rule 12). */
    public static final String SPEND_STATUS = "flux.accounts.spend-status";

    private static final String MODELS_VALID_SUFFIX = ".catalog.models.valid";
    private static final String RATES_VALID_SUFFIX = ".catalog.rates.valid";
    private static final String PLANS_VALID_SUFFIX = ".accounts.plans.valid";

    /**
     * Owned by the pipeline: catalog records that passed validation, read back into global stores. Named after the
     * {@code application.id} ({@link #modelsValid(String)}), so two deployments on one cluster keep their own; these
     * are the names of the default application id {@value StreamsSettings#DEFAULT_APPLICATION_ID}.
     */
    public static final String MODELS_VALID = modelsValid(StreamsSettings.DEFAULT_APPLICATION_ID);
    public static final String RATES_VALID = ratesValid(StreamsSettings.DEFAULT_APPLICATION_ID);
    /**
     * Owned by the pipeline: plan versions that passed validation, each with its original record timestamp (when
     * it was published), read back into the global store plan-publications ({@link #plansValid(String)}).
     */
    public static final String PLANS_VALID = plansValid(StreamsSettings.DEFAULT_APPLICATION_ID);

    /** Compacted topics of the contract: the latest record per key is the truth. */
    public static final List<String> COMPACTED_INPUTS = List.of(MODELS, RATES, PLANS);
    /** Compacted outputs: the latest record of an account is its whole current state. */
    public static final List<String> COMPACTED_OUTPUTS = List.of(SPEND_STATUS);
    /** Compacted topics of the contract with the default application id's own topics. */
    public static final List<String> COMPACTED = List.of(MODELS, RATES, PLANS, SPEND_STATUS, MODELS_VALID, RATES_VALID,
            PLANS_VALID);
    public static final List<String> INPUTS = List.of(ROUTED, MODELS, RATES, PLANS);
    public static final List<String> OUTPUTS = List.of(PRICED, OVERAGE, ALERTS, INVOICE_LINES, REJECTED, SPEND_STATUS);

    private Topics() {
    }

    /** {@code <applicationId>.catalog.models.valid}: the validated model catalog of that application. */
    public static String modelsValid(String applicationId) {
        return applicationId + MODELS_VALID_SUFFIX;
    }

    /** {@code <applicationId>.catalog.rates.valid}: the validated rate cards of that application. */
    public static String ratesValid(String applicationId) {
        return applicationId + RATES_VALID_SUFFIX;
    }

    /** {@code <applicationId>.accounts.plans.valid}: the validated plan versions of that application, as published. */
    public static String plansValid(String applicationId) {
        return applicationId + PLANS_VALID_SUFFIX;
    }

    /** The pipeline's own topics of an application: {@link #modelsValid}, {@link #ratesValid}, {@link #plansValid}. */
    public static List<String> owned(String applicationId) {
        return List.of(modelsValid(applicationId), ratesValid(applicationId), plansValid(applicationId));
    }

    /** Whether a topic is some application's validated copy of the plans ({@link #plansValid}). */
    public static boolean isPlansValid(String topic) {
        return topic.endsWith(PLANS_VALID_SUFFIX);
    }

    /**
     * Whether a topic is compacted: a contract catalog or plan topic, the spend status, or a pipeline-owned catalog or
     * plan topic.
     */
    public static boolean isCompacted(String topic) {
        return COMPACTED_INPUTS.contains(topic) || COMPACTED_OUTPUTS.contains(topic) || topic.endsWith(MODELS_VALID_SUFFIX) || topic.endsWith(RATES_VALID_SUFFIX)
                || topic.endsWith(PLANS_VALID_SUFFIX);
    }
}
