package com.fluxrouter.billing.api;

import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Who may read which account. With no token configured (the default, listening on 127.0.0.1 only) everyone on
 * this machine may. Otherwise a request needs {@code Authorization: Bearer <token>}: the operator token
 * ({@code flux.http.token}) reads every account, an account token ({@code flux.http.account-tokens}, a list of
 * {@code account=token}) only its own.
 */
public final class ApiAccess {
    public static final String TOKEN = "flux.http.token";
    public static final String ACCOUNT_TOKENS = "flux.http.account-tokens";

    enum Decision { ALLOWED, UNAUTHENTICATED, FORBIDDEN }

    private final String operatorToken;
    private final Map<String, String> accountTokens;

    public ApiAccess(String operatorToken, Map<String, String> accountTokens) {
        this.operatorToken = operatorToken == null || operatorToken.isBlank() ? null : operatorToken;
        this.accountTokens = Map.copyOf(accountTokens);
    }

    public static ApiAccess open() {
        return new ApiAccess(null, Map.of());
    }

    /** From the settings {@value #TOKEN} and {@value #ACCOUNT_TOKENS}. */
    public static ApiAccess of(Map<String, String> settings) {
        Map<String, String> accounts = new HashMap<>();
        String list = settings.get(ACCOUNT_TOKENS);
        if (list != null && !list.isBlank()) {
            for (String pair : list.split(",")) {
                String[] parts = pair.trim().split("=", 2);
                if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                    throw new IllegalArgumentException(ACCOUNT_TOKENS + " must be a list of account=token");
                }
                accounts.put(parts[0], parts[1]);
            }
        }
        return new ApiAccess(settings.get(TOKEN), accounts);
    }

    boolean required() {
        return operatorToken != null || !accountTokens.isEmpty();
    }

    Decision decide(String authorization, String account) {
        if (!required()) {
            return Decision.ALLOWED;
        }
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return Decision.UNAUTHENTICATED;
        }
        String token = authorization.substring("Bearer ".length()).trim();
        if (matches(token, operatorToken) || matches(token, accountTokens.get(account))) {
            return Decision.ALLOWED;
        }
        return Decision.FORBIDDEN;
    }

    /** Constant-time comparison, so a token cannot be guessed from response times. */
    private static boolean matches(String given, String expected) {
        return expected != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                expected.getBytes(StandardCharsets.UTF_8));
    }
}
