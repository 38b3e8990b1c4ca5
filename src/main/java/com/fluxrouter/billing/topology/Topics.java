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

    /** Owned by the pipeline: catalog records that passed validation, read back into global stores. */
    public static final String MODELS_VALID = "flux-billing.catalog.models.valid";
    public static final String RATES_VALID = "flux-billing.catalog.rates.valid";
    /**
     * Owned by the pipeline: plan versions that passed validation, each with its original record timestamp (when
     * it was published), read back into the global store plan-publications.
     */
    public static final String PLANS_VALID = "flux-billing.accounts.plans.valid";

    /** Compacted topics: the latest record per key is the truth. */
    public static final List<String> COMPACTED = List.of(MODELS, RATES, PLANS, MODELS_VALID, RATES_VALID, PLANS_VALID);
    public static final List<String> INPUTS = List.of(ROUTED, MODELS, RATES, PLANS);
    public static final List<String> OUTPUTS = List.of(PRICED, OVERAGE, ALERTS, INVOICE_LINES, REJECTED);

    private Topics() {
    }
}
