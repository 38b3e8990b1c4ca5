package com.fluxrouter.billing.metering;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.ArrayList;
import java.util.List;

/**
 * Forgets accepted request ids whose deduplication window has passed on the billing clock (rule 3) by walking the
 * {@value MeteringFlow#REQUEST_IDS_STORE} store in key order, {@value #ENTRIES_PER_REQUEST} entries per request, and
 * deleting those accepted more than the window before the clock.
 *
 * <p>Why a walk and not a deadline per id: forgetting is storage only. A copy is a duplicate only while its stored
 * acceptance lies within the window of the clock ({@code MeterTransition#seen}), so when an id is deleted changes no
 * output. A FORGET_ID deadline per id cost a second store entry, a changelog record when written and a tombstone when
 * removed (docs/performance.md); the walk costs a few iterator steps per request and writes only the ids' own
 * tombstones.
 *
 * <p>What it bounds: every id is visited once per cycle over the store, and a cycle visits
 * {@value #ENTRIES_PER_REQUEST} entries per request, so at a steady request rate the store holds at most about
 * {@value #ENTRIES_PER_REQUEST}/({@value #ENTRIES_PER_REQUEST} - 1) windows of ids. Between cycles, when no stored id
 * can have been accepted more than a window before the clock (a lower bound kept from the last cycle), nothing is
 * walked. A partition receiving no requests walks nothing, and its store does not grow meanwhile. Ids still carrying
 * a FORGET_ID deadline from before this walk existed are forgotten by whichever comes first.
 *
 * <p>Not thread-safe; one per {@link MeterProcessor}, and its position lives only as long as the processor (a
 * restarted task starts a new cycle from the first key).
 */
final class AcceptedIdSweep {
    /** Entries visited per request: at a steady rate the store holds at most about 4/3 of a window of ids. */
    static final int ENTRIES_PER_REQUEST = 4;
    /** Requests between two walks, so that a walk's iterator (a RocksDB seek) is opened once per this many. */
    static final int REQUESTS_PER_WALK = 64;

    private final KeyValueStore<String, Long> ids;
    private final long windowMs;
    private int requestsSinceWalk;
    /** Whether a cycle is under way; between cycles, {@link #acceptedFloor} says whether one is needed. */
    private boolean cycling;
    /** The last key the cycle visited; null at the start of a cycle. */
    private String cursor;
    /** Between cycles: no stored id was accepted before this clock (epoch ms); Long.MIN_VALUE when unknown. */
    private long acceptedFloor = Long.MIN_VALUE;
    /** The billing clock when the current cycle began: ids accepted since then were accepted at or after it. */
    private long cycleStartClock;
    /** The earliest acceptance among the ids the current cycle visited and kept. */
    private long keptFloor;

    /**
     * @param ids      the accepted ids (id key to the billing clock at acceptance, epoch ms)
     * @param windowMs the deduplication window on the billing clock, ms (rule 3); positive
     */
    AcceptedIdSweep(KeyValueStore<String, Long> ids, long windowMs) {
        this.ids = ids;
        this.windowMs = windowMs;
    }

    /**
     * Counts one metered request and, every {@value #REQUESTS_PER_WALK} of them, walks the entries they owe.
     *
     * @param clock the billing clock after the request (epoch ms), Long.MIN_VALUE before any
     * @return how many ids were forgotten
     */
    int afterRequest(long clock) {
        if (++requestsSinceWalk < REQUESTS_PER_WALK) {
            return 0;
        }
        requestsSinceWalk = 0;
        return walk(clock, REQUESTS_PER_WALK * ENTRIES_PER_REQUEST);
    }

    /**
     * Visits up to {@code budget} entries after the cursor, deleting those accepted more than the window before the
     * clock; reaching the last key ends the cycle.
     *
     * @param clock  the billing clock (epoch ms), Long.MIN_VALUE before any
     * @param budget how many entries to visit at most; positive
     * @return how many ids were forgotten
     */
    int walk(long clock, int budget) {
        if (clock < Long.MIN_VALUE + windowMs) {
            return 0;
        }
        long forgetBefore = clock - windowMs;
        if (!cycling) {
            if (acceptedFloor >= forgetBefore) {
                return 0;
            }
            cycling = true;
            cursor = null;
            cycleStartClock = clock;
            keptFloor = Long.MAX_VALUE;
        }
        List<String> old = new ArrayList<>();
        int visited = 0;
        // The least key after the cursor: its UTF-8 bytes followed by a zero byte.
        try (KeyValueIterator<String, Long> entries = ids.range(cursor == null ? null : cursor + '\u0000', null)) {
            while (visited < budget && entries.hasNext()) {
                KeyValue<String, Long> entry = entries.next();
                visited++;
                cursor = entry.key;
                if (entry.value < forgetBefore) {
                    old.add(entry.key);
                } else {
                    keptFloor = Math.min(keptFloor, entry.value);
                }
            }
        }
        if (visited < budget) {
            cycling = false;
            acceptedFloor = Math.min(keptFloor, cycleStartClock);
        }
        old.forEach(ids::delete);
        return old.size();
    }
}
