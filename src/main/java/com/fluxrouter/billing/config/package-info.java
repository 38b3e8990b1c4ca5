/**
 * The pipeline's own settings ({@code flux.*}): one typed definition ({@link com.fluxrouter.billing.config.BillingConfig#DEFINITION},
 * Kafka's {@code ConfigDef}) checked at start (unknown keys, strict booleans, ISO-8601 durations, ranges), their
 * defaults, which are the billing rules' defaults, and where settings come from ({@link com.fluxrouter.billing.config.Settings}:
 * a properties file, then {@code KAFKA_*} and {@code FLUX_*} environment variables). The reference table of every
 * setting is docs/operations.md, "Configuration reference".
 */
package com.fluxrouter.billing.config;
