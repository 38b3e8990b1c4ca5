/**
 * The one place serdes come from. Consumes the wire-format settings ({@code flux.serde.format},
 * {@code flux.schema-registry.*}); produces the Avro serdes of every topic key and value: Avro's single-object
 * encoding (the default, no registry) or the schema-registry format (magic byte 0, 4-byte schema id, Avro binary)
 * over any Confluent-compatible registry API, with TopicNameStrategy subjects. Guarantees: state stores, the
 * repartition topic and the validated catalog topics stay single-object whatever the format; a record that is not in
 * the configured format, or names an unknown schema id, fails as a SerializationException (so it is rejected), while
 * an unreachable registry fails as {@link com.fluxrouter.billing.serde.RegistryUnavailableException} (so the record
 * is retried, never rejected); subjects the pipeline creates get compatibility BACKWARD.
 */
package com.fluxrouter.billing.serde;
