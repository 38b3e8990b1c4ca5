package com.fluxrouter.billing.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fluxrouter.billing.alerts.Alert;
import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.metering.Ledgers;
import com.fluxrouter.billing.metering.Settlement;
import com.fluxrouter.billing.pricing.Money;
import com.fluxrouter.billing.replay.AvroJson;
import com.fluxrouter.billing.schema.SpendStatus;
import com.fluxrouter.billing.schema.state.LaneUsage;
import com.fluxrouter.billing.schema.state.MonthLedger;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pipeline's HTTP API: {@code GET /accounts/{account}/usage?month=YYYY-MM}, {@code GET /accounts/{account}/status},
 * {@code /health}, {@code /ready} and {@code /metrics}. Usage comes from the state stores; a request for an account
 * owned by another instance is forwarded to it, so any instance answers for any account. The spend status (rule 12)
 * is read from the first copy of the account's partition that can answer ({@link StatusRoute}): during a rebalance a
 * standby within {@code flux.http.status-max-lag} answers. {@code HEAD} on the probes answers as {@code GET} does,
 * without a body. An unexpected failure answers 500 and is logged with its cause.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    private static final Pattern USAGE = Pattern.compile("^/accounts/([^/]+)/usage$");
    private static final Pattern STATUS = Pattern.compile("^/accounts/([^/]+)/status$");
    private static final String FORWARDED = "X-Flux-Forwarded";

    private final HttpServer server;
    private final Backend backend;
    private final ApiAccess access;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();
    private final AvroJson records = new AvroJson();
    private final ExecutorService executor = Executors.newFixedThreadPool(4, runnable -> {
        Thread thread = new Thread(runnable, "flux-api");
        thread.setDaemon(true);
        return thread;
    });

    private ApiServer(HttpServer server, Backend backend, ApiAccess access) {
        this.server = server;
        this.backend = backend;
        this.access = access;
    }

    public static ApiServer start(String host, int port, ApiAccess access, Backend backend) throws IOException {
        InetAddress address = InetAddress.getByName(host);
        if (!address.isLoopbackAddress() && !access.required()) {
            throw new IllegalArgumentException("the HTTP API listens on " + host + " beyond this machine: set "
                    + ApiAccess.TOKEN + " (or " + ApiAccess.ACCOUNT_TOKENS + ")");
        }
        HttpServer server = HttpServer.create(new InetSocketAddress(address, port), 0);
        ApiServer api = new ApiServer(server, backend, access);
        server.createContext("/", api::handle);
        server.setExecutor(api.executor);
        server.start();
        return api;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getRawPath();
            boolean probe = path.equals("/health") || path.equals("/ready");
            if (!"GET".equals(method) && !("HEAD".equals(method) && probe)) {
                exchange.getResponseHeaders().set("Allow", probe ? "GET, HEAD" : "GET");
                error(exchange, 405, probe ? "only GET and HEAD are served" : "only GET is served");
                return;
            }
            switch (path) {
                case "/health" -> status(exchange, backend.alive(), "UP", "DOWN");
                case "/ready" -> status(exchange, backend.ready(), "READY", "NOT_READY");
                case "/metrics" -> send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", backend.metrics());
                default -> {
                    Matcher usage = USAGE.matcher(path);
                    Matcher status = STATUS.matcher(path);
                    if (usage.matches()) {
                        usage(exchange, decodePathSegment(usage.group(1)));
                    } else if (status.matches()) {
                        status(exchange, decodePathSegment(status.group(1)));
                    } else {
                        error(exchange, 404, "no such endpoint");
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.error("{} {} failed; answered 500", exchange.getRequestMethod(), exchange.getRequestURI(), e);
            error(exchange, 500, e.getClass().getSimpleName());
        } finally {
            exchange.close();
        }
    }

    /** Percent-decoding of one path segment ("+" is a plus sign in a path, unlike in a query). */
    private static String decodePathSegment(String raw) {
        return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String encodePathSegment(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Answers 401 or 403 and returns false unless the request's token may read the account. */
    private boolean authorised(HttpExchange exchange, String account) throws IOException {
        ApiAccess.Decision decision = access.decide(exchange.getRequestHeaders().getFirst("Authorization"), account);
        if (decision != ApiAccess.Decision.ALLOWED) {
            error(exchange, decision == ApiAccess.Decision.UNAUTHENTICATED ? 401 : 403,
                    decision == ApiAccess.Decision.UNAUTHENTICATED ? "a bearer token is required" : "not authorised for this account");
            return false;
        }
        return true;
    }

    private void usage(HttpExchange exchange, String account) throws IOException {
        if (!authorised(exchange, account)) {
            return;
        }
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        String monthParameter = query(exchange.getRequestURI()).get("month");
        try {
            String requested = monthParameter == null ? null : YearMonth.parse(monthParameter).toString();
            if (backend.ownerOf(account) instanceof Backend.Elsewhere elsewhere) {
                forward(exchange, elsewhere.hostAndPort(), account, requested, authorization);
                return;
            }
            String month = requested != null ? requested
                    : YearMonth.from(Instant.now().atZone(backend.zoneOf(account))).toString();
            MonthLedger ledger = backend.ledger(account, month);
            if (ledger == null) {
                error(exchange, 404, "no usage for " + account + " in " + month);
                return;
            }
            send(exchange, 200, "application/json", json.writeValueAsString(view(ledger)));
        } catch (DateTimeParseException e) {
            error(exchange, 400, "month must be YYYY-MM");
        } catch (Backend.NotReady e) {
            error(exchange, 503, e.getMessage());
        }
    }

    /** @param month the month asked for, or null for the owner's current month of the account */
    private void forward(HttpExchange exchange, String hostAndPort, String account, String month, String authorization)
            throws IOException {
        if (exchange.getRequestHeaders().containsKey(FORWARDED)) {
            error(exchange, 503, "ownership of " + account + " is moving; ask again");
            return;
        }
        String path = "/accounts/" + encodePathSegment(account) + "/usage"
                + (month == null ? "" : "?month=" + month);
        Optional<HttpResponse<String>> response = ask(hostAndPort, path, authorization);
        if (response.isEmpty()) {
            error(exchange, 503, "owner " + hostAndPort + " did not answer");
            return;
        }
        send(exchange, response.get().statusCode(), "application/json", response.get().body());
    }

    /**
     * The account's latest SpendStatus as JSON (the Avro field names, money as decimal strings, instants as ISO-8601
     * UTC), 404 when it has none. Each source of the account's {@link StatusRoute} is tried in turn: this instance's
     * copy answers; another instance is asked (with the caller's token) and its answer relayed unless it is 503 or
     * none. A forwarded request is answered from this instance's copy only, never forwarded again. 503 when no
     * source answers.
     */
    private void status(HttpExchange exchange, String account) throws IOException {
        if (!authorised(exchange, account)) {
            return;
        }
        boolean forwarded = exchange.getRequestHeaders().containsKey(FORWARDED);
        StatusRoute route;
        try {
            route = backend.statusRoute(account);
        } catch (Backend.NotReady e) {
            error(exchange, 503, e.getMessage());
            return;
        }
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        List<String> tried = new ArrayList<>();
        for (StatusRoute.Source source : route.sources()) {
            if (source instanceof StatusRoute.Here) {
                try {
                    SpendStatus status = backend.status(account, route.partition());
                    if (status == null) {
                        error(exchange, 404, "no spend status for " + account);
                    } else {
                        send(exchange, 200, "application/json", records.write(status));
                    }
                    return;
                } catch (Backend.NotReady movedAway) {
                    tried.add("here: " + movedAway.getMessage());
                    continue;
                }
            }
            if (!forwarded && source instanceof StatusRoute.There there) {
                Optional<HttpResponse<String>> response = ask(there.hostAndPort(),
                        "/accounts/" + encodePathSegment(account) + "/status", authorization);
                if (response.isPresent() && response.get().statusCode() != 503) {
                    send(exchange, response.get().statusCode(), "application/json", response.get().body());
                    return;
                }
                tried.add(there.hostAndPort() + (response.isEmpty() ? " did not answer" : " answered 503"));
            }
        }
        error(exchange, 503, "no copy of " + account + "'s status within " + BillingConfig.HTTP_STATUS_MAX_LAG
                + " answers " + (forwarded ? "here" : "here or elsewhere") + (tried.isEmpty() ? "" : " (" + String.join("; ", tried) + ")")
                + "; ask again shortly");
    }

    /** GET on another instance, marked as forwarded; empty when it does not answer. */
    private Optional<HttpResponse<String>> ask(String hostAndPort, String path, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + hostAndPort + path))
                .timeout(Duration.ofSeconds(10))
                .header(FORWARDED, "1");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            return Optional.of(client.send(request.build(), HttpResponse.BodyHandlers.ofString()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private ObjectNode view(MonthLedger ledger) {
        Settlement settlement = Ledgers.settlement(ledger);
        ObjectNode node = json.createObjectNode();
        node.put("account_id", ledger.getAccountId());
        node.put("billing_month", ledger.getBillingMonth());
        node.put("time_zone", ledger.getTimeZone());
        node.put("usage_usd", money(settlement.usageNanos()));
        node.put("included_credit_usd", money(ledger.getCreditNanos()));
        if (ledger.getCeilingNanos() == null) {
            node.putNull("spend_ceiling_usd");
        } else {
            node.put("spend_ceiling_usd", money(ledger.getCeilingNanos()));
        }
        node.put("credit_applied_usd", money(settlement.creditApplied()));
        node.put("overage_due_usd", money(settlement.overageDue()));
        node.put("over_ceiling_usd", money(settlement.overCeiling()));
        node.put("closed", ledger.getClosed());
        node.put("invoice_sets", ledger.getInvoiceSets());
        ArrayNode lanes = node.putArray("lanes");
        for (LaneUsage lane : ledger.getLanes()) {
            lanes.addObject()
                    .put("lane", lane.getLane())
                    .put("requests", lane.getRequests())
                    .put("input_tokens", lane.getInputTokens())
                    .put("output_tokens", lane.getOutputTokens())
                    .put("amount_usd", money(lane.getAmountNanos()));
        }
        ArrayNode alerts = node.putArray("alerts");
        for (Alert alert : Alert.values()) {
            if ((ledger.getAlertsFired() & alert.bit()) != 0) {
                alerts.add(alert.name());
            }
        }
        return node;
    }

    private static String money(long nanos) {
        return Money.toUsd(nanos).stripTrailingZeros().toPlainString();
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> parameters = new java.util.HashMap<>();
        if (uri.getRawQuery() == null) {
            return parameters;
        }
        for (String pair : uri.getRawQuery().split("&")) {
            int equals = pair.indexOf('=');
            if (equals > 0) {
                parameters.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
            }
        }
        return parameters;
    }

    private void status(HttpExchange exchange, boolean ok, String up, String down) throws IOException {
        send(exchange, ok ? 200 : 503, "application/json", "{\"status\":\"" + (ok ? up : down) + "\"}");
    }

    private void error(HttpExchange exchange, int status, String message) throws IOException {
        ObjectNode body = json.createObjectNode().put("error", message);
        send(exchange, status, "application/json", json.writeValueAsString(body));
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        if ("HEAD".equals(exchange.getRequestMethod())) {
            // No body: -1 is the JDK server's "no body" (a length on HEAD makes it log a warning).
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
