package com.fluxrouter.billing.plans;

import com.fluxrouter.billing.errors.Reason;
import com.fluxrouter.billing.errors.RejectedException;
import com.fluxrouter.billing.schema.AccountPlan;
import com.fluxrouter.billing.schema.AccountPlanKey;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.ZoneId;

/** Validation of plan versions (rule 6); plain Java. */
public final class PlanRules {
    /** Highest accepted credit or ceiling: keeps a month's sums far inside long nano-dollars. */
    public static final BigDecimal MAX_USD = BigDecimal.valueOf(1_000_000_000L);

    private PlanRules() {
    }

    public static void check(AccountPlanKey key, AccountPlan plan) {
        if (plan == null) {
            throw invalid("tombstones are not supported: publish a corrective version instead");
        }
        if (plan.getAccountId() == null || plan.getAccountId().isBlank()) {
            throw invalid("account_id is missing");
        }
        if (key == null || !plan.getAccountId().equals(key.getAccountId())
                || !plan.getEffectiveFrom().equals(key.getEffectiveFrom())) {
            throw invalid("record key does not match account_id and effective_from");
        }
        checkAmount("included_credit_usd", plan.getIncludedCreditUsd());
        BigDecimal ceiling = plan.getSpendCeilingUsd();
        if (ceiling != null) {
            checkAmount("spend_ceiling_usd", ceiling);
            if (ceiling.compareTo(plan.getIncludedCreditUsd()) < 0) {
                throw invalid("spend_ceiling_usd " + ceiling.toPlainString() + " is below included_credit_usd "
                        + plan.getIncludedCreditUsd().toPlainString());
            }
        }
        if (plan.getBillingTimeZone() != null) {
            try {
                ZoneId.of(plan.getBillingTimeZone());
            } catch (DateTimeException e) {
                throw invalid("billing_time_zone " + plan.getBillingTimeZone() + " is not an IANA zone");
            }
        }
    }

    private static void checkAmount(String field, BigDecimal amount) {
        if (amount.signum() < 0) {
            throw invalid(field + " is negative: " + amount.toPlainString());
        }
        if (amount.compareTo(MAX_USD) > 0) {
            throw invalid(field + " exceeds " + MAX_USD.toPlainString());
        }
    }

    private static RejectedException invalid(String detail) {
        return new RejectedException(Reason.INVALID_PLAN, detail);
    }
}
