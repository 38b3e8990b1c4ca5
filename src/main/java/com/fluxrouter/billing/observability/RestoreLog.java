package com.fluxrouter.billing.observability;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs every state restoration at INFO: which store, from which changelog partition, how far, and when it ends. A
 * restore is why an instance is not ready after a restart or a rebalance, and how long it takes is what an operator
 * asks. One line at the start and one at the end per partition; batches are not logged.
 */
public final class RestoreLog implements StateRestoreListener {
    private static final Logger LOG = LoggerFactory.getLogger(RestoreLog.class);

    @Override
    public void onRestoreStart(TopicPartition partition, String store, long startingOffset, long endingOffset) {
        LOG.info("Restoring {} from {} offsets {} to {} ({} records)", store, partition, startingOffset, endingOffset,
                Math.max(0, endingOffset - startingOffset));
    }

    @Override
    public void onBatchRestored(TopicPartition partition, String store, long batchEndOffset, long numRestored) {
        // Per batch would flood the log on a large changelog: start and end say enough.
    }

    @Override
    public void onRestoreEnd(TopicPartition partition, String store, long totalRestored) {
        LOG.info("Restored {} from {}: {} records", store, partition, totalRestored);
    }

    @Override
    public void onRestoreSuspended(TopicPartition partition, String store, long totalRestored) {
        LOG.info("Restoring {} from {} suspended after {} records (the task moved)", store, partition, totalRestored);
    }
}
