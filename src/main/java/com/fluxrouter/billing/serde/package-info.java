/**
 * The one place serdes come from. Consumes the wire-format settings ({@code flux.serde.format},
 * {@code flux.schema-registry.*}); produces the Avro serdes of every topic key and value: Avro's single-object
 * encoding (the default, no registry) or the schema-registry format (magic byte 0, 4-byte schema id, Avro binary)
 * over any Confluent-compatible registry API, with TopicNameStrategy subjects. Guarantees: state stores, the
 * repartition topic and the validated catalog topics stay single-object whatever the format; a record that is not in
 * the configured format, or names a schema id the registry says it does not have (40403), fails as a
 * SerializationException (so it is rejected), while a registry unreachable, failing, refusing the credentials or
 * answering any other 404 fails as {@link com.fluxrouter.billing.serde.RegistryUnavailableException} (so the record
 * is retried, never rejected); one registry client per process keeps every id it resolved, so outputs whose
 * subjects the start settled are written without a registry call; subjects the pipeline creates get compatibility
 * BACKWARD; single-object data written with any released version of a schema kept in
 * {@code src/main/resources/schemas/history/} ({@link com.fluxrouter.billing.serde.SchemaHistory}) is resolved into
 * the current classes, so state written by an earlier release stays readable (docs/operations.md).
 */
package com.fluxrouter.billing.serde;
