/**
 * Assembly: topic names (the pipeline's own named after {@code application.id}), topic specifications, the records
 * each topic carries (its registry subjects), Kafka Streams settings (and the checks a live run must pass,
 * {@link com.fluxrouter.billing.topology.StreamsSettings#live}, and the bound on RocksDB's off-heap memory a live run
 * sets, {@link com.fluxrouter.billing.topology.BoundedRocksDbMemory}), the configuration reference table, and the
 * topology built from the named sub-flows (catalog, plans, intake, metering, outputs).
 * {@code topology/billing-pipeline.txt} in the repository is the checked-in description of what
 * {@link com.fluxrouter.billing.topology.BillingTopology} builds.
 */
package com.fluxrouter.billing.topology;
