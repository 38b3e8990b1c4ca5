package com.fluxrouter.billing.chaos;

import com.fluxrouter.billing.errors.Reason;
import com.fluxrouter.billing.invoicing.InvoiceBuilder;
import com.fluxrouter.billing.oracle.OracleOutputs;
import com.fluxrouter.billing.schema.AccountPlan;
import com.fluxrouter.billing.schema.InvoiceLine;
import com.fluxrouter.billing.schema.SpendStatus;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.serde.WireFormat;
import com.fluxrouter.billing.traffic.TokenSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The invariant's checker on made-up outputs: what a correct pipeline emits holds; each kind of damage fails. */
class VerdictTest {
    private static final Serdes SERDES = new Serdes(WireFormat.SINGLE_OBJECT);
    private static final Instant NOW = Instant.parse("2026-11-27T09:00:00Z");
    private static final Workload WORKLOAD = Workload.generate(Scenario.CRASH, new Size(300, 6, 4, 200, 1, false), 5,
            TokenSource.builtIn(new Random(5)), NOW, SERDES);

    private Outputs outputs;

    /** Exactly what the billing rules give: every request priced once, every invalid record rejected, one set each. */
    @BeforeEach
    void correctOutputs() {
        outputs = new Outputs(SERDES);
        WORKLOAD.validIndex.forEach((id, index) -> outputs.priced.add(priced(id, WORKLOAD.priced[index].costNanos())));
        long offset = 0;
        for (Map.Entry<ByteBuffer, Reason> invalid : WORKLOAD.invalid.entrySet()) {
            outputs.rejected.add(new Outputs.Rejected(invalid.getValue().name(), invalid.getKey(), 0, offset++));
        }
        WORKLOAD.expected.forEach((key, figures) -> outputs.invoiceLines.addAll(figures.asOriginalSet(account(key), month(key))));
        // each account's latest status: its new period at the end of the traffic's last month, which holds usage
        for (AccountPlan plan : WORKLOAD.plans) {
            outputs.latestStatuses.put(plan.getAccountId(), status(plan.getAccountId(), LAST_MONTH_END));
        }
    }

    /** The first instant after the traffic's last month in UTC, the zone of the first account's plan. */
    private static final Instant LAST_MONTH_END = WORKLOAD.lastCompleted.atZone(java.time.ZoneOffset.UTC)
            .toLocalDate().withDayOfMonth(1).plusMonths(1).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();

    @Test
    void correctOutputsHold() {
        Verdict verdict = verdict();

        assertThat(verdict.problems).isEmpty();
        assertThat(verdict.invoicedNanos).isEqualTo(verdict.expectedNanos);
        assertThat(verdict.pricedRecords).isEqualTo(WORKLOAD.validRequests());
    }

    @Test
    void aLatestStatusWithMidMonthUsageHolds() {
        String account = WORKLOAD.plans.get(0).getAccountId();
        SpendStatus midMonth = status(account, LAST_MONTH_END.minus(java.time.Duration.ofDays(3)));
        outputs.latestStatuses.put(account, midMonth);

        assertThat(midMonth.getUsageUsd()).as("the traffic's last month has usage").isPositive();
        assertThat(midMonth.getProjectedUsageUsd()).isNotNull();
        assertThat(verdict().problems).isEmpty();
    }

    @Test
    void aLatestStatusWithOtherUsageFails() {
        String account = WORKLOAD.plans.get(0).getAccountId();
        SpendStatus midMonth = status(account, LAST_MONTH_END.minus(java.time.Duration.ofDays(3)));
        midMonth.setUsageUsd(midMonth.getUsageUsd().add(new BigDecimal("0.000000001")));
        outputs.latestStatuses.put(account, midMonth);

        assertFails("latest spend status differs from the billing rules at its as_of");
    }

    @Test
    void aLatestStatusOfTheOldMonthAfterItsEndFails() {
        String account = WORKLOAD.plans.get(0).getAccountId();
        SpendStatus old = status(account, LAST_MONTH_END.minusMillis(1));
        old.setAsOf(LAST_MONTH_END);
        outputs.latestStatuses.put(account, old);

        assertFails("latest spend status differs from the billing rules at its as_of");
    }

    @Test
    void anAccountWithoutAStatusFails() {
        outputs.latestStatuses.remove(WORKLOAD.plans.get(3).getAccountId());

        assertFails("account with a plan but no spend status");
    }

    @Test
    void aPricedDuplicateFails() {
        outputs.priced.add(outputs.priced.get(0));

        assertFails("priced more than once");
    }

    @Test
    void aMissingRequestFails() {
        outputs.priced.remove(0);

        assertFails("valid but never priced");
    }

    @Test
    void aWrongCostFails() {
        Outputs.Priced first = outputs.priced.get(0);
        outputs.priced.set(0, new Outputs.Priced(first.requestId(), first.accountId(), first.month(), first.costNanos() + 1));

        assertFails("priced at the wrong cost or month");
    }

    @Test
    void aTotalCountedTwiceFails() {
        outputs.invoiceLines.add(outputs.invoiceLines.stream()
                .filter(line -> line.getLineType().equals(InvoiceBuilder.TOTAL)).findFirst().orElseThrow());

        assertFails("without exactly one TOTAL");
    }

    @Test
    void aSupplementalSetWithoutSetOneFails() {
        String key = WORKLOAD.expected.keySet().iterator().next();
        InvoiceLine total = new MonthFigures().asOriginalSet(account(key), month(key)).stream()
                .filter(line -> line.getLineType().equals(InvoiceBuilder.TOTAL)).findFirst().orElseThrow();
        total.setInvoiceSet(2);
        total.setSupplemental(true);
        outputs.invoiceLines.add(total);

        assertFails("0 TOTALs in set 1");
    }

    @Test
    void aValidRequestRejectedFails() {
        Workload.Send valid = WORKLOAD.sends.stream().filter(send -> send.kind() == Workload.Kind.VALID).findFirst().orElseThrow();
        outputs.rejected.add(new Outputs.Rejected(Reason.MALFORMED.name(), ByteBuffer.wrap(valid.value()), 1, 0));

        assertFails("valid request rejected");
    }

    @Test
    void aWrongReasonFails() {
        Outputs.Rejected first = outputs.rejected.get(0);
        String other = first.reason().equals(Reason.MALFORMED.name()) ? Reason.UNKNOWN_MODEL.name() : Reason.MALFORMED.name();
        outputs.rejected.set(0, new Outputs.Rejected(other, first.originalValue(), first.partition(), first.offset()));

        assertFails("rejected for the wrong reason");
    }

    @Test
    void anUnexpectedAccountMonthFails() {
        outputs.invoiceLines.addAll(new MonthFigures().asOriginalSet("no-such-account", "2026-10"));

        assertFails("account-month invoiced with no valid request");
    }

    private Verdict verdict() {
        return Verdict.of(WORKLOAD, outputs, SERDES);
    }

    private void assertFails(String problem) {
        Verdict verdict = verdict();

        assertThat(verdict.holds()).isFalse();
        assertThat(verdict.problems).anyMatch(text -> text.contains(problem));
    }

    /** The status the rules give, as the pipeline writes it (reason aside, which the verdict does not check). */
    private static SpendStatus status(String account, Instant asOf) {
        OracleOutputs.Status s = WORKLOAD.expectation.statusAt(account, asOf);
        return SpendStatus.newBuilder().setAccountId(account).setBillingMonth(s.month()).setStatus(s.status())
                .setUsageUsd(s.usageUsd()).setIncludedCreditUsd(s.creditUsd())
                .setCreditRemainingUsd(s.creditRemainingUsd()).setSpendCeilingUsd(s.ceilingUsd())
                .setRemainingUsd(s.remainingUsd()).setPeriodStart(s.periodStart()).setPeriodEnd(s.periodEnd())
                .setProjectedUsageUsd(s.projectedUsd()).setReason("NEW_PERIOD").setAsOf(s.asOf()).build();
    }

    private static Outputs.Priced priced(String requestId, long costNanos) {
        String key = WORKLOAD.priced[WORKLOAD.validIndex.get(requestId)].accountMonth();
        return new Outputs.Priced(requestId, account(key), month(key), costNanos);
    }

    private static String account(String accountMonth) {
        return accountMonth.substring(0, accountMonth.lastIndexOf(' '));
    }

    private static String month(String accountMonth) {
        return accountMonth.substring(accountMonth.lastIndexOf(' ') + 1);
    }
}
