/**
 * Running the pipeline for real: {@link com.fluxrouter.billing.local.Pipeline} (one Kafka Streams instance with
 * exactly_once_v2; in the registry format it registers, or checks, its output schemas before it starts), {@link com.fluxrouter.billing.local.TopicSetup} (topics as the pipeline needs them), and the
 * demo: {@link com.fluxrouter.billing.local.LocalBroker} (a KRaft broker in this JVM) and
 * {@link com.fluxrouter.billing.local.Demo}.
 */
package com.fluxrouter.billing.local;
