package com.fluxrouter.billing.errors;

/**
 * Writing the state or the outputs of a record's already computed result failed. Never the record's fault and
 * never a rejection: the {@link RejectionHandler} fails the task on it, so the transaction (state, outputs, input
 * offset) aborts and the record is processed again from the last commit (exactly_once_v2).
 */
public final class WriteFailedException extends RuntimeException {
    /** @param cause what failed while writing */
    public WriteFailedException(Throwable cause) {
        super("writing a computed result failed: " + cause, cause);
    }
}
