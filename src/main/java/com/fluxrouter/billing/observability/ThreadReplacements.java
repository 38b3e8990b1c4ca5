package com.fluxrouter.billing.observability;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.LongSupplier;

/**
 * Whether stream threads are being replaced too often to call the instance healthy. A thread that fails is replaced
 * (after a backoff), so a crash loop would otherwise look alive: the instance is unhealthy while more than
 * {@code maxReplacements} replacements happened within the last {@code window} (settings
 * {@code flux.health.max-thread-replacements} and {@code flux.health.replacement-window}), and healthy again once
 * they age out of it. Thread-safe.
 */
public final class ThreadReplacements {
    private final int maxReplacements;
    private final long windowNanos;
    private final LongSupplier nanoTicker;
    /** Ticker readings of the replacements still inside the window, oldest first. */
    private final Deque<Long> recent = new ArrayDeque<>();

    /**
     * @param maxReplacements replacements within the window that are still healthy (0: any replacement is not)
     * @param window          how far back replacements count; positive
     * @param nanoTicker      monotonic nanoseconds ({@code System::nanoTime}; a fake one in tests)
     * @throws IllegalArgumentException for a negative maximum or a window that is not positive
     */
    public ThreadReplacements(int maxReplacements, Duration window, LongSupplier nanoTicker) {
        if (maxReplacements < 0) {
            throw new IllegalArgumentException("the maximum of thread replacements must not be negative: " + maxReplacements);
        }
        if (window.isZero() || window.isNegative()) {
            throw new IllegalArgumentException("the replacement window must be positive: " + window);
        }
        this.maxReplacements = maxReplacements;
        this.windowNanos = window.toNanos();
        this.nanoTicker = nanoTicker;
    }

    /** Records one replacement now. */
    public synchronized void replaced() {
        long now = nanoTicker.getAsLong();
        forgetBefore(now);
        recent.addLast(now);
    }

    /** True while more than the maximum replacements fall within the window ending now. */
    public synchronized boolean tooMany() {
        forgetBefore(nanoTicker.getAsLong());
        return recent.size() > maxReplacements;
    }

    /** Replacements within the window ending now. */
    public synchronized int withinWindow() {
        forgetBefore(nanoTicker.getAsLong());
        return recent.size();
    }

    private void forgetBefore(long now) {
        while (!recent.isEmpty() && now - recent.peekFirst() >= windowNanos) {
            recent.removeFirst();
        }
    }
}
