package com.fluxrouter.billing.chaos;

import com.fluxrouter.billing.schema.AccountPlan;
import com.fluxrouter.billing.traffic.RequestFactory;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Plans of the chaos traffic, one version per account from 2020, in five kinds so that every invoice line type
 * occurs: Team ($1 credit, $5 ceiling: overage, and the ceiling for the busiest accounts), Free ($0.05: credit and
 * ceiling adjustment), Team in America/New_York ($2, $10: months that end five hours after UTC's), Pay As You Go,
 * and Scale in Asia/Tokyo ($0.50 credit, no ceiling: months that end nine hours before UTC's).
 */
final class ChaosPlans {
    private static final Instant SINCE = Instant.parse("2020-01-01T00:00:00Z");

    private ChaosPlans() {
    }

    static List<AccountPlan> forAccounts(int accounts) {
        List<AccountPlan> plans = new ArrayList<>(accounts);
        for (int i = 0; i < accounts; i++) {
            String account = RequestFactory.account(i);
            plans.add(switch (i % 5) {
                case 0 -> plan(account, "Team", "1", "5", null);
                case 1 -> plan(account, "Free", "0.05", "0.05", null);
                case 2 -> plan(account, "Team", "2", "10", "America/New_York");
                case 3 -> plan(account, "Pay As You Go", "0", null, null);
                default -> plan(account, "Scale", "0.5", null, "Asia/Tokyo");
            });
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
