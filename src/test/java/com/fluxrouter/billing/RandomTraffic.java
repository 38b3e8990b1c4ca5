package com.fluxrouter.billing;

import com.fluxrouter.billing.catalog.PublishedPriceList;
import com.fluxrouter.billing.schema.AccountPlan;
import com.fluxrouter.billing.schema.ModelLane;
import com.fluxrouter.billing.schema.RoutedRequest;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded random traffic for the property tests: accounts on pay as you go, a team plan, a Free plan, New York and
 * Kiritimati billing zones and a mid-October upgrade; requests on the published models, mostly in order, some a
 * few days late, some router retries of recent requests (same id, same content).
 */
public final class RandomTraffic {
    private static final String[] ACCOUNTS = {"payg", "team", "free", "ny", "kiri", "upgrader"};

    private RandomTraffic() {
    }

    public static List<AccountPlan> plans() {
        return List.of(
                plan("team", "20", "60", null, "2020-01-01T00:00:00Z"),
                plan("free", "0.5", "0.5", null, "2020-01-01T00:00:00Z"),
                plan("ny", "5", null, "America/New_York", "2020-01-01T00:00:00Z"),
                plan("kiri", "1", "3", "Pacific/Kiritimati", "2020-01-01T00:00:00Z"),
                plan("upgrader", "1", "2", null, "2020-01-01T00:00:00Z"),
                plan("upgrader", "10", null, null, "2026-10-15T00:00:00Z"));
    }

    public static List<RoutedRequest> requests(Random random, Instant from, Instant to, int count) {
        List<String> models = PublishedPriceList.models().stream().map(ModelLane::getModelId).toList();
        long span = to.toEpochMilli() - from.toEpochMilli();
        List<RoutedRequest> requests = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            if (!requests.isEmpty() && random.nextInt(20) == 0) {
                // a retry of a recent request: retrying a much older one would be TOO_LATE, another property
                requests.add(requests.get(Math.max(0, requests.size() - 1 - random.nextInt(10))));
                continue;
            }
            long late = random.nextInt(10) == 0 ? random.nextInt(5) * 86_400_000L : 0;
            long at = Math.max(from.toEpochMilli(), from.toEpochMilli() + span * i / count - late);
            requests.add(RoutedRequest.newBuilder()
                    .setRequestId("r-" + i)
                    .setAccountId(ACCOUNTS[random.nextInt(ACCOUNTS.length)])
                    .setRequestedModel("flux-auto")
                    .setServedModel(models.get(random.nextInt(models.size())))
                    .setLane(null)
                    .setInputTokens(random.nextInt(400_000))
                    .setOutputTokens(random.nextInt(40_000))
                    .setCompletedAt(Instant.ofEpochMilli(at))
                    .setQuotedCostUsd(null)
                    .build());
        }
        return requests;
    }

    private static AccountPlan plan(String account, String credit, String ceiling, String zone, String from) {
        return new AccountPlan(account, "p", new BigDecimal(credit).setScale(9),
                ceiling == null ? null : new BigDecimal(ceiling).setScale(9), zone, Instant.parse(from));
    }
}
