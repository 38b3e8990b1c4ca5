package com.fluxrouter.billing.errors;

import org.apache.kafka.streams.errors.TaskCorruptedException;
import org.apache.kafka.streams.errors.TaskMigratedException;

/**
 * The write phase of a stateful processor: the state writes and forwards of a result computed before it. A
 * failure here, in the processor or in any node its forwards reach (output routing, sinks, serializers), leaves
 * the record half-applied, so it must fail the task and never become a rejection: the {@link RejectionHandler}
 * asks {@link #active()} for failures in downstream nodes, and this class wraps the processor's own in
 * {@link WriteFailedException}.
 */
public final class WritePhase {
    private static final ThreadLocal<Boolean> ACTIVE = ThreadLocal.withInitial(() -> false);

    private WritePhase() {
    }

    /**
     * Runs the writes with the write phase marked on this (the stream) thread.
     *
     * @throws WriteFailedException wrapping whatever the writes threw, except Kafka Streams' task migration and
     *                              corruption signals, which pass unchanged so the runtime handles them as usual
     */
    public static void run(Runnable writes) {
        ACTIVE.set(true);
        try {
            writes.run();
        } catch (TaskMigratedException | TaskCorruptedException runtimeSignal) {
            throw runtimeSignal;
        } catch (WriteFailedException alreadyWrapped) {
            throw alreadyWrapped;
        } catch (RuntimeException failure) {
            throw new WriteFailedException(failure);
        } finally {
            ACTIVE.set(false);
        }
    }

    /** Whether this thread is writing a computed result now. */
    public static boolean active() {
        return ACTIVE.get();
    }
}
