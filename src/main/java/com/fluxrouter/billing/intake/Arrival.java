package com.fluxrouter.billing.intake;

import com.fluxrouter.billing.schema.RoutedRequest;

/**
 * A validated request and whether it arrived on its account's partition (rule 4a); what the partition check hands
 * the branch that sends misrouted requests through the repartition topic.
 *
 * @param request the request as received
 * @param home    true if it arrived on the partition Kafka's default partitioner gives its account
 */
record Arrival(RoutedRequest request, boolean home) {
}
