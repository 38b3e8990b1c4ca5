/**
 * The model and rate catalog. Consumed: {@code flux.catalog.models} (model_id to ModelLane) and
 * {@code flux.catalog.rates} (LaneRateKey to LaneRate), both compacted. Produced: the validated copies
 * {@code <application.id>.catalog.models.valid} and {@code <application.id>.catalog.rates.valid} (with the default
 * application id {@code flux-billing.catalog.models.valid} and {@code flux-billing.catalog.rates.valid}), read back as the global
 * stores {@code catalog-models} and {@code catalog-rates}; rejections INVALID_MODEL and INVALID_RATE; the served
 * models' lanes of {@code catalog-models} and the rate versions of {@code catalog-rates} as pricing reads them
 * ({@link com.fluxrouter.billing.catalog.ModelLanes}, {@link com.fluxrouter.billing.catalog.RateVersions}), read once
 * per change of their store, which this flow's global processors count.
 *
 * <p>Guarantees: pricing never sees an invalid catalog record; a tombstone removes an entry; every instance prices
 * from the same catalog; a change to either store is seen by the first request priced after it is in the store, as
 * a read of the store would see it.
 */
package com.fluxrouter.billing.catalog;
