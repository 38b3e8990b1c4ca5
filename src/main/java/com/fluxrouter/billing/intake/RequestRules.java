package com.fluxrouter.billing.intake;

import com.fluxrouter.billing.errors.Reason;
import com.fluxrouter.billing.errors.RejectedException;
import com.fluxrouter.billing.schema.RoutedRequest;

import java.time.Duration;
import java.time.Instant;

/** Validation of a routed request before pricing (rule 4 of docs/billing-rules.md); plain Java. */
public final class RequestRules {
    public static final long MAX_TOKENS = 10_000_000L;
    /** Longest id, in Unicode code points (not UTF-16 units: an emoji is one, not two). */
    public static final int MAX_ID_LENGTH = 256;
    /** How far completed_at may run ahead of the time the request is judged against (rule 4). */
    public static final long FUTURE_TOLERANCE_MS = Duration.ofMinutes(5).toMillis();

    private RequestRules() {
    }

    /**
     * @param key            the record key as received
     * @param producedAt     epoch ms the request is judged "in the future" against: the earlier of the record's
     *                       timestamp (when it was produced or appended) and the pipeline's wall clock when it read
     *                       the record, as the timestamp extractor (live) or replay's {@code --now} caps it
     * @param earliestMillis completed_at before this (epoch ms) is not plausible
     * @throws RejectedException with the first rule the request breaks
     */
    public static void check(String key, RoutedRequest request, long producedAt, long earliestMillis) {
        if (request == null) {
            throw new RejectedException(Reason.MALFORMED, "empty value");
        }
        checkId("request_id", request.getRequestId());
        checkId("account_id", request.getAccountId());
        if (!request.getAccountId().equals(key)) {
            throw new RejectedException(Reason.KEY_MISMATCH, key == null ? "record key is missing"
                    : "record key does not match account_id");
        }
        checkTokens("input_tokens", request.getInputTokens());
        checkTokens("output_tokens", request.getOutputTokens());
        long completedAt = request.getCompletedAt().toEpochMilli();
        if (completedAt < earliestMillis) {
            throw new RejectedException(Reason.INVALID_TIMESTAMP, "completed_at " + request.getCompletedAt()
                    + " is before the earliest valid time");
        }
        if (completedAt > producedAt + FUTURE_TOLERANCE_MS) {
            throw new RejectedException(Reason.FUTURE_TIMESTAMP, "completed_at " + request.getCompletedAt()
                    + " is more than 5 minutes after " + Instant.ofEpochMilli(producedAt)
                    + " (the earlier of the record's timestamp and the pipeline's clock)");
        }
    }

    private static void checkId(String field, String id) {
        if (id == null || id.isBlank()) {
            throw new RejectedException(Reason.MISSING_ID, field + " is missing");
        }
        // Counted in code points, the unit the rule states: a UTF-16 count would reject 256 emoji as 512.
        if (id.length() > MAX_ID_LENGTH && id.codePointCount(0, id.length()) > MAX_ID_LENGTH) {
            throw new RejectedException(Reason.INVALID_ID, field + " is longer than " + MAX_ID_LENGTH
                    + " code points");
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (Character.isISOControl(c) || c == '\uFFFD') {
                throw new RejectedException(Reason.INVALID_ID, field + " holds a control character or invalid UTF-8");
            }
        }
    }

    private static void checkTokens(String field, long tokens) {
        if (tokens < 0 || tokens > MAX_TOKENS) {
            throw new RejectedException(Reason.INVALID_TOKENS, field + " " + tokens + " is outside 0.." + MAX_TOKENS);
        }
    }
}
