/**
 * {@code bin/flux-billing bench}: how fast billing is on this machine, measured honestly in one run. Consumes
 * nothing but its options (and a trace CSV for token counts, if given); starts one local KRaft broker in this JVM
 * and measures, side by side and each several times: the broker's ceiling (a plain producer and a plain
 * consume-and-produce copy loop), a pass-through Kafka Streams application and the dedup floor (one changelogged
 * store of request ids, one get and one put per record), both with exactly_once_v2, the billing pipeline (sustained
 * throughput and CPU per request against those three baselines, each lever before and after, produce-to-output
 * latency (OverageUpdate, SpendAlert, SpendStatus) at half that rate and at a fixed rate with the CPU used meanwhile,
 * state size and memory: RocksDB bytes, heap and resident set), replay against a pass-through processor on the same
 * driver, and the pipeline's throughput as accounts grow. Produces one table
 * of medians and spreads with the ratios and targets, printed and appended to docs/performance.md. Guarantees:
 * every figure is compared only with baselines measured in the same run; nothing here is asserted on speed.
 */
package com.fluxrouter.billing.bench;
