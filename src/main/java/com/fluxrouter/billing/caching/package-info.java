/**
 * Decoded state held as objects beside the store it was read from, for the hot reads of one stream task
 * ({@link com.fluxrouter.billing.caching.SecondTouchCache}). Consumes and produces no topic; the callers write their
 * stores themselves and keep what is held equal to what is stored.
 *
 * <p>Guarantees: bounded memory per instance (its capacity and a fixed-size bit set); a key is held only once it has
 * been looked up and missed twice, so a workload in which most keys are read once (a million accounts with a request
 * each) costs a bit set's update per read instead of an entry made and thrown away unread. Not thread-safe: one
 * instance per processor, on its stream thread.
 */
package com.fluxrouter.billing.caching;
