package com.fluxrouter.billing.errors;

/**
 * Thrown by a processor to reject the record it is processing. The {@link RejectionHandler} turns it into a
 * {@code RejectedRecord} on the rejected topic; processing goes on with the next record.
 */
public final class RejectedException extends RuntimeException {
    private final Reason reason;

    public RejectedException(Reason reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
