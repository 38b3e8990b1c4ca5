package com.fluxrouter.billing.metering;

import com.fluxrouter.billing.plans.PlanPublishing;
import com.fluxrouter.billing.schema.AccountPlan;
import com.fluxrouter.billing.schema.SpendStatus;
import com.fluxrouter.billing.schema.state.MonthLedger;
import com.fluxrouter.billing.schema.state.PlanHistory;
import com.fluxrouter.billing.schema.state.PlanPublications;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link MeterState} held in maps, for testing the transition without Kafka. {@link #apply} writes a step the way
 * the processor does, so a test can run several steps in a row. Returns its own objects (not copies), so a test
 * sees it if the transition changes what it reads.
 */
final class MapState implements MeterState {
    long clock = Long.MIN_VALUE;
    final Map<String, Long> ids = new HashMap<>();
    final Map<String, MonthLedger> ledgers = new HashMap<>();
    final List<Deadline> deadlines = new ArrayList<>();
    final Map<String, List<AccountPlan>> plans = new HashMap<>();
    /** An account's versions with their publication instants: when present, plans() reads them as published. */
    final Map<String, PlanPublications> publications = new HashMap<>();
    final Map<String, SpendStatus> statuses = new HashMap<>();

    @Override
    public long clock() {
        return clock;
    }

    @Override
    public Long acceptedAt(String idKey) {
        return ids.get(idKey);
    }

    @Override
    public MonthLedger ledger(String ledgerKey) {
        return ledgers.get(ledgerKey);
    }

    @Override
    public SpendStatus status(String accountId) {
        return statuses.get(accountId);
    }

    @Override
    public List<Deadline> due(long upTo) {
        return deadlines.stream().filter(d -> d.at() <= upTo)
                .sorted(Comparator.comparingLong(Deadline::at).thenComparing(Deadline::kind)
                        .thenComparing(Deadline::subject))
                .toList();
    }

    @Override
    public PlanTimeline plans(String accountId, long asOfMs) {
        if (publications.containsKey(accountId)) {
            PlanHistory history = PlanPublishing.asOf(publications.get(accountId), asOfMs);
            return PlanTimeline.of(history == null ? null : history.getVersions());
        }
        return PlanTimeline.of(plans.get(accountId));
    }

    /** Writes the step's state changes (outputs are the caller's). */
    void apply(MeterStep step) {
        step.requestIdWrites().forEach((key, at) -> {
            if (at == null) {
                ids.remove(key);
            } else {
                ids.put(key, at);
            }
        });
        step.monthWrites().forEach((key, ledger) -> {
            if (ledger == null) {
                ledgers.remove(key);
            } else {
                ledgers.put(key, MonthLedger.newBuilder(ledger).build());
            }
        });
        statuses.putAll(step.statusWrites());
        for (MeterStep.DeadlineWrite write : step.deadlineWrites()) {
            if (write instanceof MeterStep.DeadlineWrite.Add add) {
                deadlines.add(add.deadline());
            } else if (write instanceof MeterStep.DeadlineWrite.Remove remove) {
                deadlines.remove(remove.deadline());
            }
        }
        clock = step.clock();
    }
}
