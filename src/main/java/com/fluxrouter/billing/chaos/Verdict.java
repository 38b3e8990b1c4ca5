package com.fluxrouter.billing.chaos;

import com.fluxrouter.billing.errors.Reason;
import com.fluxrouter.billing.invoicing.InvoiceBuilder;
import com.fluxrouter.billing.oracle.OracleOutputs;
import com.fluxrouter.billing.schema.AccountPlan;
import com.fluxrouter.billing.schema.InvoiceLine;
import com.fluxrouter.billing.schema.RoutedRequest;
import com.fluxrouter.billing.schema.SpendStatus;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.topology.Topics;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The invariant, checked on the outputs read back against the workload's oracle:
 * <ul>
 *   <li>every distinct valid request is priced exactly once, at the oracle's cost and month;</li>
 *   <li>every invalid record is rejected exactly once, with the reason it was built to break;</li>
 *   <li>no valid request is rejected (so none is both priced and rejected);</li>
 *   <li>every account-month has exactly one original invoice set and numbered supplemental sets, each with one
 *       TOTAL, and all its sets together equal the oracle's figures to the nano-dollar;</li>
 *   <li>every account has a spend status, and its latest says what the oracle gives at its as_of (rule 12: month,
 *       status, usage, credit, ceiling, what remains, period and forecast).</li>
 * </ul>
 */
final class Verdict {
    private static final int SHOWN = 8;

    final List<String> problems = new ArrayList<>();
    long pricedRecords;
    long rejectedRecords;
    long supplementalSets;
    long invoicedNanos;
    long expectedNanos;
    int accountMonths;

    boolean holds() {
        return problems.isEmpty();
    }

    static Verdict of(Workload workload, Outputs outputs, Serdes serdes) {
        Verdict verdict = new Verdict();
        verdict.checkPriced(workload, outputs);
        verdict.checkRejected(workload, outputs, serdes);
        verdict.checkInvoices(workload, outputs);
        verdict.checkStatuses(workload, outputs);
        return verdict;
    }

    private void checkPriced(Workload workload, Outputs outputs) {
        pricedRecords = outputs.priced.size();
        boolean[] seen = new boolean[workload.validRequests()];
        List<String> twice = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        for (Outputs.Priced priced : outputs.priced) {
            Integer index = workload.validIndex.get(priced.requestId());
            if (index == null) {
                unknown.add(priced.requestId());
                continue;
            }
            if (seen[index]) {
                twice.add(priced.requestId());
            }
            seen[index] = true;
            Expectation.Priced expected = workload.priced[index];
            String month = Expectation.accountMonth(priced.accountId(), priced.month());
            if (!month.equals(expected.accountMonth()) || priced.costNanos() != expected.costNanos()) {
                wrong.add(priced.requestId() + " " + month + " " + priced.costNanos() + " nanos, expected "
                        + expected.accountMonth() + " " + expected.costNanos());
            }
        }
        List<String> missing = new ArrayList<>();
        workload.validIndex.forEach((id, index) -> {
            if (!seen[index]) {
                missing.add(id);
            }
        });
        report("priced more than once", twice);
        report("priced but never sent as a valid request", unknown);
        report("priced at the wrong cost or month", wrong);
        report("valid but never priced", missing);
    }

    private void checkRejected(Workload workload, Outputs outputs, Serdes serdes) {
        rejectedRecords = outputs.rejected.size();
        Set<ByteBuffer> seen = new HashSet<>();
        List<String> twice = new ArrayList<>();
        List<String> wrongReason = new ArrayList<>();
        List<String> validRejected = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (Outputs.Rejected rejected : outputs.rejected) {
            String where = rejected.partition() + "@" + rejected.offset();
            Reason expected = rejected.originalValue() == null ? null : workload.invalid.get(rejected.originalValue());
            if (expected != null) {
                if (!seen.add(rejected.originalValue())) {
                    twice.add(where);
                }
                if (!expected.name().equals(rejected.reason())) {
                    wrongReason.add(where + " " + rejected.reason() + ", expected " + expected);
                }
                continue;
            }
            String id = requestId(rejected.originalValue(), serdes);
            if (id != null && workload.validIndex.containsKey(id)) {
                validRejected.add(id + " " + rejected.reason());
            } else {
                unknown.add(where + " " + rejected.reason());
            }
        }
        List<String> missing = new ArrayList<>();
        workload.invalid.forEach((value, reason) -> {
            if (!seen.contains(value)) {
                missing.add(reason.name());
            }
        });
        report("rejected more than once", twice);
        report("rejected for the wrong reason", wrongReason);
        report("valid request rejected (priced and rejected, or lost)", validRejected);
        report("rejected record that was never sent", unknown);
        report("invalid record not on the rejected topic", missing);
    }

    private static String requestId(ByteBuffer value, Serdes serdes) {
        if (value == null) {
            return null;
        }
        try {
            byte[] bytes = new byte[value.remaining()];
            value.duplicate().get(bytes);
            return serdes.avro(RoutedRequest.class).deserializer().deserialize(Topics.ROUTED, bytes).getRequestId();
        } catch (RuntimeException notARequest) {
            return null;
        }
    }

    private void checkInvoices(Workload workload, Outputs outputs) {
        Map<String, MonthFigures> actual = new TreeMap<>();
        Map<String, Map<Integer, Integer>> totalsPerSet = new HashMap<>();
        List<String> badSets = new ArrayList<>();
        for (InvoiceLine line : outputs.invoiceLines) {
            String key = Expectation.accountMonth(line.getAccountId(), line.getBillingMonth());
            actual.computeIfAbsent(key, k -> new MonthFigures()).add(line);
            if (line.getSupplemental() != (line.getInvoiceSet() > 0)) {
                badSets.add(key + " set " + line.getInvoiceSet() + " supplemental=" + line.getSupplemental());
            }
            if (line.getLineType().equals(InvoiceBuilder.TOTAL)) {
                totalsPerSet.computeIfAbsent(key, k -> new HashMap<>()).merge(line.getInvoiceSet(), 1, Integer::sum);
            }
        }
        totalsPerSet.forEach((key, sets) -> {
            for (int set = 0; set < sets.size(); set++) {
                if (sets.getOrDefault(set, 0) != 1) {
                    badSets.add(key + " has " + sets.getOrDefault(set, 0) + " TOTALs in set " + set + " of " + sets.size());
                }
            }
            supplementalSets += sets.size() - 1;
        });
        List<String> missing = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        workload.expected.forEach((key, expected) -> {
            expectedNanos += expected.totalNanos();
            MonthFigures invoiced = actual.get(key);
            if (invoiced == null) {
                missing.add(key);
            } else if (!invoiced.equals(expected)) {
                wrong.add(key + ": invoiced " + invoiced + "; expected " + expected);
            }
        });
        actual.forEach((key, invoiced) -> {
            invoicedNanos += invoiced.totalNanos();
            if (!workload.expected.containsKey(key)) {
                unexpected.add(key);
            }
        });
        accountMonths = workload.expected.size();
        report("invoice sets out of order or without exactly one TOTAL", badSets);
        report("account-month never invoiced", missing);
        report("account-month invoiced with no valid request", unexpected);
        report("account-month whose invoice lines differ from the billing rules", wrong);
    }

    private void checkStatuses(Workload workload, Outputs outputs) {
        List<String> missing = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        for (String account : new TreeSet<>(workload.plans.stream().map(AccountPlan::getAccountId).toList())) {
            SpendStatus latest = outputs.latestStatuses.get(account);
            if (latest == null) {
                missing.add(account);
                continue;
            }
            String actual = describe(latest);
            String expected = describe(workload.expectation.statusAt(account, latest.getAsOf()));
            if (!actual.equals(expected)) {
                wrong.add(actual + "; expected " + expected);
            }
        }
        report("account with a plan but no spend status", missing);
        report("account whose latest spend status differs from the billing rules at its as_of", wrong);
    }

    private static String describe(SpendStatus s) {
        return String.join(" ", s.getAccountId(), s.getBillingMonth(), s.getStatus(), usd(s.getUsageUsd()),
                usd(s.getIncludedCreditUsd()), usd(s.getCreditRemainingUsd()), usd(s.getSpendCeilingUsd()),
                usd(s.getRemainingUsd()), "[" + s.getPeriodStart() + "," + s.getPeriodEnd() + ")",
                usd(s.getProjectedUsageUsd()), "as_of " + s.getAsOf());
    }

    private static String describe(OracleOutputs.Status s) {
        return String.join(" ", s.account(), s.month(), s.status(), usd(s.usageUsd()), usd(s.creditUsd()),
                usd(s.creditRemainingUsd()), usd(s.ceilingUsd()), usd(s.remainingUsd()),
                "[" + s.periodStart() + "," + s.periodEnd() + ")", usd(s.projectedUsd()), "as_of " + s.asOf());
    }

    private static String usd(BigDecimal amount) {
        return amount == null ? "-" : amount.stripTrailingZeros().toPlainString();
    }

    private void report(String what, List<String> cases) {
        if (cases.isEmpty()) {
            return;
        }
        List<String> shown = cases.subList(0, Math.min(SHOWN, cases.size()));
        problems.add(cases.size() + " " + what + ": " + String.join("; ", shown) + (cases.size() > SHOWN ? "; ..." : ""));
    }
}
