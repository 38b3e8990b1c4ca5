/**
 * State held as objects for the hot reads and writes of one stream task.
 *
 * <p>{@link com.fluxrouter.billing.caching.SecondTouchCache}: decoded values held beside the store they were read
 * from. Consumes and produces no topic; the callers write their stores themselves and keep what is held equal to what
 * is stored. Bounded memory per instance (its capacity and a fixed-size bit set); a key is held only once it has been
 * looked up and missed twice, so a workload in which most keys are read once (a million accounts with a request each)
 * costs a bit set's update per read instead of an entry made and thrown away unread. Not thread-safe: one instance per
 * processor, on its stream thread.
 *
 * <p>{@link com.fluxrouter.billing.caching.WriteBehindStore} (built by
 * {@link com.fluxrouter.billing.caching.WriteBehindStoreBuilder}): a key-value store layer that holds a task's writes
 * as objects until Kafka Streams flushes the task's caches before committing it, then writes each changed key once to
 * the store below, and so to its changelog inside the commit's transaction. Produces the store's changelog records (the
 * same records the record cache would have flushed); consumes nothing. Guarantees: what a commit covers is written
 * with it; what no commit covers is dropped with the task (a failure, an aborted transaction); at most its capacity of
 * changed keys held per store and task.
 */
package com.fluxrouter.billing.caching;
