/**
 * Offline replay. Consumed: a directory of JSON-lines files (models, rates, plans, requests). Produced: one
 * JSON-lines file per output topic. Guarantees: the same processors and rules as live, byte-identical output for
 * the same input, and output identical to the topology's on TopologyTestDriver (ReplayEngineTest).
 */
package com.fluxrouter.billing.replay;
