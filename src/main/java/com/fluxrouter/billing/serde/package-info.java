/**
 * The one place serdes come from. Every Avro key and value of every topic and store is encoded in the wire format
 * chosen by {@code flux.serde.format}: today Avro's single-object encoding, which needs no registry.
 */
package com.fluxrouter.billing.serde;
