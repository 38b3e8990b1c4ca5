/**
 * Offline replay, and the export of live input in replay's format. Consumed: a directory of JSON-lines files
 * (models, rates, plans, requests; a line may carry produced_at, partition and offset), or, for the export, the
 * input topics. Produced: one JSON-lines file per output topic, spend-status.jsonl included (the export: one per
 * input topic); each plan line also reaches its account's meter as a plan change, as the plan-history table's
 * change stream does live. Guarantees: the
 * same processors and rules as live, on stores of their own with the topology's names and serdes (ReplayStoresTest),
 * byte-identical output for the same input, output identical to the topology's
 * on TopologyTestDriver (ReplayEngineTest), and, with as many partitions as live, the live pipeline's invoice sets
 * for its exported input (LiveReplayEquivalenceIT).
 */
package com.fluxrouter.billing.replay;
