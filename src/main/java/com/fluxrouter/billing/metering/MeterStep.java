package com.fluxrouter.billing.metering;

import com.fluxrouter.billing.schema.SpendStatus;
import com.fluxrouter.billing.schema.state.MonthLedger;
import org.apache.avro.specific.SpecificRecord;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The result of metering one request, one plan change or one idle close, computed by {@link MeterTransition} before
 * anything is written: the state writes (request ids, account-months, spend statuses, deadlines, billing clock) and
 * the output records in the order they are to be forwarded. While the transition computes it, it is also the step's
 * view of the state: {@link #ledger}, {@link #status} and {@link #clock} see the step's own writes over the state it
 * started from.
 */
final class MeterStep {
    /** An output record: its key, value and record timestamp (epoch ms). */
    record Output(Object key, SpecificRecord value, long timestamp) {
    }

    /** A write to the deadline index; kept in order, since the index's next-check bound follows the order. */
    sealed interface DeadlineWrite {
        /** Adds a deadline. */
        record Add(Deadline deadline) implements DeadlineWrite {
        }

        /** Removes a handled deadline. */
        record Remove(Deadline deadline) implements DeadlineWrite {
        }

        /** Everything due at or before the instant was handled. */
        record Checked(long upTo) implements DeadlineWrite {
        }
    }

    /** A request for an account-month already closed: the number of the pending set it joins, for the log. */
    record Late(String accountId, String requestId, String billingMonth, int invoiceSet) {
    }

    private final MeterState state;
    private final long outputTimestamp;
    private final long clockBefore;
    private long clock;
    /** Request-id key to the clock at acceptance; a null value deletes. */
    private final Map<String, Long> requestIds = new LinkedHashMap<>();
    /** Ledger key to account-month; a null value deletes. Holds the step's own copies, never the state's objects. */
    private final Map<String, MonthLedger> months = new LinkedHashMap<>();
    /**
     * Ledger key to the account-month as the state holds it before this step (null: none), each read once: the
     * state does not change while the step is computed, and a store read decodes the value anew each time.
     */
    private final Map<String, MonthLedger> stored = new HashMap<>();
    /** Account id to the spend status emitted by this step (the last one, if several). */
    private final Map<String, SpendStatus> statuses = new LinkedHashMap<>();
    private final List<DeadlineWrite> deadlines = new ArrayList<>();
    private final List<Output> outputs = new ArrayList<>();
    private boolean duplicate;
    private boolean priced;
    private boolean clockMovedByRequest;
    private Late late;
    private int monthsClosed;
    private int supplements;

    MeterStep(MeterState state, long outputTimestamp) {
        this.state = state;
        this.outputTimestamp = outputTimestamp;
        this.clockBefore = state.clock();
        this.clock = clockBefore;
    }

    // ---- the step's view while it is computed

    /** The instant (epoch ms) the step happens at: its record's timestamp, or the wall clock of an idle close. */
    long outputTimestamp() {
        return outputTimestamp;
    }

    long clock() {
        return clock;
    }

    /** The account-month as this step left it, else a copy of the state's (changing it changes nothing until put). */
    MonthLedger ledger(String ledgerKey) {
        if (months.containsKey(ledgerKey)) {
            return months.get(ledgerKey);
        }
        MonthLedger before = storedLedger(ledgerKey);
        return before == null ? null : Ledgers.copy(before);
    }

    /** The account-month as it was before this step (never to be changed); null if none. */
    MonthLedger storedLedger(String ledgerKey) {
        if (!stored.containsKey(ledgerKey)) {
            stored.put(ledgerKey, state.ledger(ledgerKey));
        }
        return stored.get(ledgerKey);
    }

    /** The account's last emitted spend status: this step's, else the state's; null if none. */
    SpendStatus status(String accountId) {
        SpendStatus emitted = statuses.get(accountId);
        return emitted != null ? emitted : state.status(accountId);
    }

    // ---- recorded by the transition

    void moveClock(long to) {
        clock = to;
    }

    void remember(String idKey, long acceptedAt) {
        requestIds.put(idKey, acceptedAt);
    }

    void forget(String idKey) {
        requestIds.put(idKey, null);
    }

    void putLedger(String ledgerKey, MonthLedger ledger) {
        months.put(ledgerKey, ledger);
    }

    void deleteLedger(String ledgerKey) {
        months.put(ledgerKey, null);
    }

    void putStatus(String accountId, SpendStatus status) {
        statuses.put(accountId, status);
    }

    void addDeadline(Deadline deadline) {
        deadlines.add(new DeadlineWrite.Add(deadline));
    }

    void removeDeadline(Deadline deadline) {
        deadlines.add(new DeadlineWrite.Remove(deadline));
    }

    void checked(long upTo) {
        deadlines.add(new DeadlineWrite.Checked(upTo));
    }

    void emit(Object key, SpecificRecord value) {
        outputs.add(new Output(key, value, outputTimestamp));
    }

    MeterStep markDuplicate() {
        duplicate = true;
        return this;
    }

    void markPriced(boolean movedClock) {
        priced = true;
        clockMovedByRequest = movedClock;
    }

    void markLate(Late late) {
        this.late = late;
    }

    void markClosed() {
        monthsClosed++;
    }

    void markSupplement() {
        supplements++;
    }

    // ---- read when the step is applied, and by tests

    /** Whether the billing clock moved; {@link #clock} is then its new value. */
    boolean clockMoved() {
        return clock != clockBefore;
    }

    /** Request-id writes in first-write order: key to the clock at acceptance, or null to forget the id. */
    Map<String, Long> requestIdWrites() {
        return Collections.unmodifiableMap(requestIds);
    }

    /** Account-month writes in first-write order: key to the ledger to store, or null to delete it. */
    Map<String, MonthLedger> monthWrites() {
        return Collections.unmodifiableMap(months);
    }

    /** Spend-status writes in first-write order: account id to its last emitted status. */
    Map<String, SpendStatus> statusWrites() {
        return Collections.unmodifiableMap(statuses);
    }

    /** Deadline writes in the order they were made. */
    List<DeadlineWrite> deadlineWrites() {
        return Collections.unmodifiableList(deadlines);
    }

    /** The outputs, in the order they are forwarded. */
    List<Output> outputs() {
        return Collections.unmodifiableList(outputs);
    }

    /** The request's id was accepted before: dropped, nothing written, nothing emitted. */
    boolean duplicate() {
        return duplicate;
    }

    /** The request was accepted and priced. */
    boolean priced() {
        return priced;
    }

    /** An accepted request moved the clock: the partition is busy (idle close waits). */
    boolean clockMovedByRequest() {
        return clockMovedByRequest;
    }

    /** The late request's month and set, or null. */
    Late late() {
        return late;
    }

    int monthsClosed() {
        return monthsClosed;
    }

    /** Pending supplemental sets emitted by this step (rule 11). */
    int supplements() {
        return supplements;
    }
}
