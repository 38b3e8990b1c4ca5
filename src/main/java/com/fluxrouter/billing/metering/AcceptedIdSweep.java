package com.fluxrouter.billing.metering;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.ArrayList;
import java.util.List;

/**
 * Forgets accepted request ids whose deduplication window has passed on the billing clock (rule 3) by walking the
 * {@value MeteringFlow#REQUEST_IDS_STORE} store in key order, in cycles, and deleting the ids accepted more than the
 * window before the clock.
 *
 * <p>Why a walk and not a deadline per id: forgetting is storage only. A copy is a duplicate only while its stored
 * acceptance lies within the window of the clock ({@code MeterTransition#seen}), so when an id is deleted changes no
 * output. A FORGET_ID deadline per id cost a second store entry, a changelog record when written and a tombstone when
 * removed (docs/performance.md); the walk costs a few iterator steps per request and writes only the ids' own
 * tombstones.
 *
 * <p>Pace: every {@value #REQUESTS_PER_WALK} requests a walk visits {@value #ENTRIES_PER_REQUEST} entries per request,
 * or more when the billing clock moved faster: enough that a cycle over the store's entries takes at most a
 * {@value #CYCLES_PER_WINDOW}rd of a window of billing clock (at most {@value #MAX_ENTRIES_PER_WALK} entries a walk; what the pace asked for beyond it is owed to the next
 * walks).
 * An idle partition walks too, as its clock follows the wall clock ({@link #afterIdleAdvance}). A cycle may visit an id
 * just before its window passes and the next one reaches it at most a cycle later, so an id is forgotten within two
 * thirds of a window and a walk after its window has passed, whatever the request rate (within a third at a steady
 * rate, where cycles follow each other), as long as the store's entry count the pace reads is right (RocksDB's is an
 * estimate) and walks keep up with what the pace owes. The store holds about 4/3 of a window of ids at a steady rate,
 * and at most twice the most ids accepted in any one window (ids stay up to 5/3 of a window, which two windows'
 * worth can share). Between cycles, while no stored id can have been accepted more
 * than a window before the clock (a lower bound kept from the last cycle), nothing is walked.
 *
 * <p>Position: the walk's position is kept in the store itself, under a key of its own that no id can have (ids hold no
 * control characters, RequestRules): {@value #POSITION} followed by the last id visited, its value a lower bound of the
 * acceptances the cycle kept so far; or {@value #POSITION} alone between cycles, its value the lower bound of all. It is
 * written with the deletes of each walk, in the same transaction, so a restarted or moved task goes on from where the
 * last committed walk stopped, and a restart never starts the cycle over. Ids still carrying a FORGET_ID deadline from
 * before this walk existed are forgotten by whichever comes first.
 *
 * <p>Not thread-safe; one per {@link MeterProcessor}.
 */
final class AcceptedIdSweep {
    /** Entries visited per request at least. */
    static final int ENTRIES_PER_REQUEST = 4;
    /** Requests between two walks, so that a walk's iterator (a RocksDB seek) is opened once per this many. */
    static final int REQUESTS_PER_WALK = 64;
    /** Cycles over the store per window of billing clock that walks keep pace for, whatever the request rate. */
    static final int CYCLES_PER_WINDOW = 3;
    /** The most entries one walk visits (about 30 ms of RocksDB iteration), so a jump of the clock is no stall. */
    static final int MAX_ENTRIES_PER_WALK = 100_000;
    /** The first character of the walk's position key: below every id key. */
    static final String POSITION = "\u0000";
    /** The least key an id can have: the walk's cycles start here, past the position key. */
    private static final String FIRST_ID = "\u0001";

    private final KeyValueStore<String, Long> ids;
    private final long windowMs;
    private int requestsSinceWalk;
    /** The billing clock of the last walk (epoch ms); Long.MIN_VALUE before the first since this task started. */
    private long lastWalkClock = Long.MIN_VALUE;
    /** Whether a cycle is under way; between cycles, {@link #floor} says whether one is needed. */
    private boolean cycling;
    /** The last key the cycle visited; null before the first. */
    private String cursor;
    /**
     * Between cycles: no stored id was accepted before this clock (epoch ms), Long.MIN_VALUE when unknown. During a
     * cycle: no id it kept, and none accepted since it began, was accepted before it.
     */
    private long floor = Long.MIN_VALUE;
    /** The stored position's key, null when none is stored. */
    private String positionKey;
    /**
     * The store's entries when the cycle began (or when this task resumed it): the pace keeps to them, so that the ids
     * the cycle deletes do not slow what is left of it.
     */
    private long cycleEntries;
    /** Entries the clock's pace asked for and no walk visited yet (a walk visits at most MAX_ENTRIES_PER_WALK). */
    private long owed;

    /**
     * Reads the walk's stored position, if any.
     *
     * @param ids      the accepted ids (id key to the billing clock at acceptance, epoch ms), open
     * @param windowMs the deduplication window on the billing clock, ms (rule 3); positive
     */
    AcceptedIdSweep(KeyValueStore<String, Long> ids, long windowMs) {
        this.ids = ids;
        this.windowMs = windowMs;
        try (KeyValueIterator<String, Long> stored = ids.range(POSITION, FIRST_ID)) {
            if (stored.hasNext()) {
                KeyValue<String, Long> position = stored.next();
                positionKey = position.key;
                floor = position.value;
                cycling = position.key.length() > POSITION.length();
                cursor = cycling ? position.key.substring(POSITION.length()) : null;
                cycleEntries = ids.approximateNumEntries();
            }
        }
    }

    /**
     * Counts one metered request and, every {@value #REQUESTS_PER_WALK} of them, walks.
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
     * Walks as far as the clock moved since the last walk asks, after an idle partition's clock followed the wall
     * clock.
     *
     * @param clock the billing clock (epoch ms), Long.MIN_VALUE before any
     * @return how many ids were forgotten
     */
    int afterIdleAdvance(long clock) {
        return walk(clock, 0);
    }

    /**
     * Visits entries after the cursor, deleting those accepted more than the window before the clock, and stores the
     * position reached; reaching the last key ends the cycle.
     *
     * @param clock   the billing clock (epoch ms), Long.MIN_VALUE before any
     * @param minimum how many entries to visit at least (the walk visits more when the clock moved faster)
     * @return how many ids were forgotten
     */
    int walk(long clock, int minimum) {
        if (clock < Long.MIN_VALUE + windowMs) {
            return 0;
        }
        owed = Math.min(Long.MAX_VALUE / 2, owed + paced(clock));
        lastWalkClock = clock;
        int budget = (int) Math.max(minimum, Math.min(owed, MAX_ENTRIES_PER_WALK));
        long forgetBefore = clock - windowMs;
        if (budget == 0) {
            return 0;
        }
        if (!cycling) {
            if (floor >= forgetBefore) {
                owed = 0;
                return 0;
            }
            cycling = true;
            cursor = null;
            cycleEntries = ids.approximateNumEntries();
            // Ids accepted from now on are accepted at this clock or later: it bounds them.
            floor = clock;
        }
        MeterTransition.faultPoint.reached(FaultPoint.Step.FORGET_IDS);
        List<String> old = new ArrayList<>();
        int visited = 0;
        // The least key after the cursor: its UTF-8 bytes followed by a zero byte.
        try (KeyValueIterator<String, Long> entries = ids.range(cursor == null ? FIRST_ID : cursor + '\u0000', null)) {
            while (visited < budget && entries.hasNext()) {
                KeyValue<String, Long> entry = entries.next();
                visited++;
                cursor = entry.key;
                if (entry.value < forgetBefore) {
                    old.add(entry.key);
                } else {
                    floor = Math.min(floor, entry.value);
                }
            }
        }
        owed = Math.max(0, owed - visited);
        if (visited < budget) {
            cycling = false;
            cursor = null;
            owed = 0;
        }
        old.forEach(ids::delete);
        storePosition();
        return old.size();
    }

    /**
     * Entries the clock's move since the last walk asks for: a cycle per third of a window of billing clock, over the
     * larger of the store's entries now and when the cycle began (RocksDB's estimate on a RocksDB store).
     */
    private long paced(long clock) {
        if (lastWalkClock == Long.MIN_VALUE || clock <= lastWalkClock) {
            return 0;
        }
        long moved = clock - lastWalkClock;
        long entries = Math.max(1, Math.max(cycleEntries, ids.approximateNumEntries()));
        if (moved >= windowMs / CYCLES_PER_WINDOW || entries > Long.MAX_VALUE / CYCLES_PER_WINDOW / moved) {
            return entries;
        }
        return entries * moved * CYCLES_PER_WINDOW / windowMs + 1;
    }

    private void storePosition() {
        String key = cursor == null ? POSITION : POSITION + cursor;
        if (positionKey != null && !positionKey.equals(key)) {
            ids.delete(positionKey);
        }
        ids.put(key, floor);
        positionKey = key;
    }
}
