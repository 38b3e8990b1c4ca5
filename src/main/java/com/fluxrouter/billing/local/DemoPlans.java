package com.fluxrouter.billing.local;

import com.fluxrouter.billing.schema.AccountPlan;
import com.fluxrouter.billing.traffic.RequestFactory;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo's plans: account 0 is a Team plan ($1 credit, $5 ceiling) that reaches overage within a minute, account
 * 1 is Free ($0.05), account 2 bills in America/New_York; after that every third account is Free, every third a
 * Team plan ($2 credit, $10 ceiling) and the rest are on Pay As You Go (no credit, no ceiling).
 */
public final class DemoPlans {
    private static final Instant SINCE = Instant.parse("2020-01-01T00:00:00Z");

    private DemoPlans() {
    }

    public static List<AccountPlan> forAccounts(int accounts) {
        List<AccountPlan> plans = new ArrayList<>();
        for (int i = 0; i < accounts; i++) {
            String account = RequestFactory.account(i);
            if (i == 0) {
                plans.add(plan(account, "Team", "1", "5", null));
            } else if (i == 1 || i % 3 == 1) {
                plans.add(plan(account, "Free", "0.05", "0.05", null));
            } else if (i == 2) {
                plans.add(plan(account, "Team", "2", "10", "America/New_York"));
            } else if (i % 3 == 2) {
                plans.add(plan(account, "Team", "2", "10", null));
            } else {
                plans.add(plan(account, "Pay As You Go", "0", null, null));
            }
        }
        return plans;
    }

    private static AccountPlan plan(String account, String name, String credit, String ceiling, String zone) {
        return new AccountPlan(account, name, usd(credit), ceiling == null ? null : usd(ceiling), zone, SINCE);
    }

    private static BigDecimal usd(String amount) {
        return new BigDecimal(amount).setScale(9);
    }
}
