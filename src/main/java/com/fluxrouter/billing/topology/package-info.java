/**
 * Assembly: topic names, topic specifications, the records each topic carries (its registry subjects), Kafka Streams settings and the topology built from the named
 * sub-flows (catalog, plans, intake, metering, outputs). {@code topology/billing-pipeline.txt} in the repository is
 * the checked-in description of what {@link com.fluxrouter.billing.topology.BillingTopology} builds.
 */
package com.fluxrouter.billing.topology;
