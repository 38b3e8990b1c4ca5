package com.fluxrouter.billing.oracle;

import java.math.BigDecimal;

/**
 * A credit and a ceiling in USD (rule 6): a version's own, the control terms in force at an instant, or a month's
 * billing terms; {@code ceiling} null means none.
 */
record OracleTerms(BigDecimal credit, BigDecimal ceiling) {
    /** Pay as you go: no credit, no ceiling. */
    static final OracleTerms PAY_AS_YOU_GO = new OracleTerms(BigDecimal.ZERO.setScale(9), null);

    static OracleTerms of(OracleInputs.Plan plan) {
        return new OracleTerms(plan.creditUsd().setScale(9),
                plan.ceilingUsd() == null ? null : plan.ceilingUsd().setScale(9));
    }
}
