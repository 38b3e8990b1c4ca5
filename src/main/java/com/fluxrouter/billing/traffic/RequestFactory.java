package com.fluxrouter.billing.traffic;

import com.fluxrouter.billing.catalog.PublishedPriceList;
import com.fluxrouter.billing.schema.ModelLane;
import com.fluxrouter.billing.schema.RoutedRequest;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Routed requests for the demo and load tests, from a seed. The rule: request {@code n}'s account is
 * {@code acct-NNN} with NNN = floor(accounts x u^3) for a uniform u, so a few accounts carry most of the traffic;
 * its served model is drawn uniformly from the published catalog; 60 % ask for {@code flux-auto}, 25 % for the
 * served model's tier alias ({@code flux-express}, {@code flux-daily}, {@code flux-deep}) and 15 % pin it
 * ({@code flux-pinned-<model>}); token counts come from the {@link TokenSource}.
 */
public final class RequestFactory {
    private final Random random;
    private final TokenSource tokens;
    private final int accounts;
    private final String runId;
    private final List<ModelLane> models = PublishedPriceList.models();
    private long sequence;

    public RequestFactory(long seed, TokenSource tokens, int accounts, String runId) {
        this.random = new Random(seed);
        this.tokens = tokens;
        this.accounts = accounts;
        this.runId = runId;
    }

    public static String account(int index) {
        return String.format(Locale.ROOT, "acct-%03d", index);
    }

    public RoutedRequest next(Instant completedAt) {
        double u = random.nextDouble();
        String account = account((int) Math.floor(accounts * u * u * u));
        ModelLane model = models.get(random.nextInt(models.size()));
        int ask = random.nextInt(100);
        String requested = ask < 60 ? "flux-auto"
                : ask < 85 ? alias(model.getLane())
                : "flux-pinned-" + model.getModelId();
        TokenSource.Tokens counts = tokens.next();
        return RoutedRequest.newBuilder()
                .setRequestId(runId + "-" + sequence++)
                .setAccountId(account)
                .setRequestedModel(requested)
                .setServedModel(model.getModelId())
                .setLane(model.getLane())
                .setInputTokens(counts.input())
                .setOutputTokens(counts.output())
                .setCompletedAt(completedAt)
                .setQuotedCostUsd(null)
                .build();
    }

    private static String alias(String lane) {
        return switch (lane) {
            case "EXPRESS" -> "flux-express";
            case "DAILY_DRIVER" -> "flux-daily";
            default -> "flux-deep";
        };
    }
}
