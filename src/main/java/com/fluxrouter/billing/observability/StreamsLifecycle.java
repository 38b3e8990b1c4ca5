package com.fluxrouter.billing.observability;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.ThreadMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The Kafka Streams client's state listener: logs every state change at INFO, and the tasks (with their partitions)
 * this instance was assigned each time it becomes RUNNING after a rebalance; and tells a client that stopped on its
 * own (ERROR, or NOT_RUNNING without {@link #closing()} having been called) from one that was closed, so that
 * {@code run} can exit non-zero and let its supervisor restart it instead of idling with a dead pipeline.
 */
public final class StreamsLifecycle implements KafkaStreams.StateListener {
    private static final Logger LOG = LoggerFactory.getLogger(StreamsLifecycle.class);

    /** Exit status of {@code run} when the client stopped on its own. */
    public static final int STOPPED_ON_ITS_OWN = 1;

    private final Supplier<Set<ThreadMetadata>> localThreads;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean closing;
    private volatile boolean stoppedOnItsOwn;

    /** @param localThreads the client's {@code metadataForLocalThreads}, read when the client becomes RUNNING */
    public StreamsLifecycle(Supplier<Set<ThreadMetadata>> localThreads) {
        this.localThreads = localThreads;
    }

    /** Listens to {@code streams}; call before {@code start()}. */
    public static StreamsLifecycle watch(KafkaStreams streams) {
        StreamsLifecycle lifecycle = new StreamsLifecycle(streams::metadataForLocalThreads);
        streams.setStateListener(lifecycle);
        return lifecycle;
    }

    @Override
    public void onChange(KafkaStreams.State newState, KafkaStreams.State oldState) {
        if (newState == KafkaStreams.State.ERROR || (newState == KafkaStreams.State.NOT_RUNNING && !closing)) {
            stoppedOnItsOwn = true;
            LOG.error("Kafka Streams state {} -> {}: the pipeline stopped on its own", oldState, newState);
            stopped.countDown();
            return;
        }
        LOG.info("Kafka Streams state {} -> {}", oldState, newState);
        if (newState == KafkaStreams.State.RUNNING) {
            logAssignment();
        }
        if (newState == KafkaStreams.State.NOT_RUNNING) {
            stopped.countDown();
        }
    }

    private void logAssignment() {
        try {
            for (ThreadMetadata thread : localThreads.get()) {
                LOG.info("Assigned to {}: active tasks {}, standby tasks {}", thread.threadName(),
                        thread.activeTasks().stream().map(task -> task.taskId() + " " + task.topicPartitions())
                                .collect(Collectors.joining(", ", "[", "]")),
                        thread.standbyTasks().stream().map(task -> task.taskId().toString())
                                .collect(Collectors.joining(", ", "[", "]")));
            }
        } catch (RuntimeException e) {
            // The assignment may move again while it is read; the next RUNNING logs it.
            LOG.info("Assignment not readable right now: {}", e.toString());
        }
    }

    /** Marks the coming stop as asked for (a shutdown), so NOT_RUNNING after it is not a failure. */
    public void closing() {
        closing = true;
    }

    /** True once the client reached ERROR, or NOT_RUNNING without being closed. */
    public boolean stoppedOnItsOwn() {
        return stoppedOnItsOwn;
    }

    /**
     * What {@code run} does after starting: waits until the client stops. Stopped on its own, it closes the instance
     * with {@code close} and answers {@link #STOPPED_ON_ITS_OWN}; closed by a shutdown (which called
     * {@link #closing()} first), it answers 0.
     *
     * @throws InterruptedException when interrupted while waiting
     */
    public int awaitExitStatus(Runnable close) throws InterruptedException {
        stopped.await();
        if (!stoppedOnItsOwn) {
            return 0;
        }
        close.run();
        return STOPPED_ON_ITS_OWN;
    }

    /**
     * Waits until the client stops, either way.
     *
     * @return true when it stopped within {@code timeout}
     * @throws InterruptedException when interrupted while waiting
     */
    public boolean awaitStop(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }
}
