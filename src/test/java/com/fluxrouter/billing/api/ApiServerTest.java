package com.fluxrouter.billing.api;

import com.fluxrouter.billing.alerts.Alert;
import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.errors.Reason;
import com.fluxrouter.billing.metering.Ledgers;
import com.fluxrouter.billing.metering.PlanTerms;
import com.fluxrouter.billing.pricing.Lane;
import com.fluxrouter.billing.pricing.Price;
import com.fluxrouter.billing.observability.CapturedLog;
import com.fluxrouter.billing.observability.Exposition;
import com.fluxrouter.billing.observability.PipelineMeters;
import com.fluxrouter.billing.observability.Promtool;
import com.fluxrouter.billing.observability.ThreadReplacements;
import com.fluxrouter.billing.schema.SpendStatus;
import com.fluxrouter.billing.schema.state.MonthLedger;
import com.fluxrouter.billing.topology.BillingTopology;
import com.fluxrouter.billing.topology.StreamsSettings;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The HTTP layer over a backend that holds ledgers in a map (the real backend is exercised in the *IT tests). */
class ApiServerTest {
    private final List<ApiServer> servers = new ArrayList<>();
    private final HttpClient client = HttpClient.newHttpClient();
    private final List<KafkaStreams> streams = new ArrayList<>();

    /**
     * A backend owning some accounts and sending the rest elsewhere; its copy of the spend-status store is a map, and
     * an account's status route is this instance's copy unless a test gives another.
     */
    private static class MapBackend implements Backend {
        static final int PARTITION = 3;
        final Map<String, MonthLedger> ledgers = new HashMap<>();
        final Map<String, String> elsewhere = new HashMap<>();
        final Map<String, SpendStatus> statuses = new HashMap<>();
        final Map<String, List<StatusRoute.Source>> statusSources = new HashMap<>();
        final List<String> statusReads = new ArrayList<>();
        final List<String> statusRoutes = new java.util.concurrent.CopyOnWriteArrayList<>();
        final PipelineMeters meters = PipelineMeters.prometheus();
        boolean ready = true;
        boolean alive = true;

        @Override
        public boolean alive() {
            return alive;
        }

        @Override
        public boolean ready() {
            return ready;
        }

        @Override
        public Owner ownerOf(String account) throws NotReady {
            if (!ready) {
                throw new NotReady("rebalancing");
            }
            return elsewhere.containsKey(account) ? new Elsewhere(elsewhere.get(account)) : new Here();
        }

        @Override
        public MonthLedger ledger(String account, String month) {
            return ledgers.get(account + " " + month);
        }

        @Override
        public ZoneId zoneOf(String account) {
            return ZoneOffset.UTC;
        }

        @Override
        public StatusRoute statusRoute(String account) throws NotReady {
            if (!ready) {
                throw new NotReady("starting");
            }
            statusRoutes.add(account);
            return new StatusRoute(PARTITION, statusSources.getOrDefault(account, List.of(new StatusRoute.Here())));
        }

        @Override
        public SpendStatus status(String account, int partition) {
            assertThat(partition).isEqualTo(PARTITION);
            statusReads.add(account);
            return statuses.get(account);
        }

        @Override
        public String metrics() {
            return meters.scrape();
        }
    }

    @AfterEach
    void stop() {
        servers.forEach(ApiServer::close);
        streams.forEach(KafkaStreams::close);
    }

    private ApiServer start(ApiAccess access, Backend backend) throws IOException {
        ApiServer server = ApiServer.start("127.0.0.1", 0, access, backend);
        servers.add(server);
        return server;
    }

    private static MonthLedger ledger(String account, String month) {
        MonthLedger ledger = Ledgers.open(account, month, "UTC", 0, new PlanTerms(1_000_000_000L, 5_000_000_000L));
        Ledgers.add(ledger, Lane.DEEP_THOUGHT, 1_000_000, 0, new Price(4_000_000_000L, 0));
        ledger.setAlertsFired(0b111);
        return ledger;
    }

    private HttpResponse<String> get(ApiServer server, String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void usageAnswersMonthToDateFiguresFromTheLedger() throws Exception {
        MapBackend backend = new MapBackend();
        backend.ledgers.put("acct-1 2026-11", ledger("acct-1", "2026-11"));
        HttpResponse<String> response = get(start(ApiAccess.open(), backend), "/accounts/acct-1/usage?month=2026-11", null);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"usage_usd\":\"4\"", "\"included_credit_usd\":\"1\"",
                "\"spend_ceiling_usd\":\"5\"", "\"overage_due_usd\":\"3\"", "\"lane\":\"DEEP_THOUGHT\"",
                "\"alerts\":[\"CREDIT_50\",\"CREDIT_80\",\"CREDIT_100\"]");
    }

    @Test
    void errorsHaveProperStatusCodes() throws Exception {
        MapBackend backend = new MapBackend();
        ApiServer server = start(ApiAccess.open(), backend);
        assertThat(get(server, "/accounts/acct-1/usage?month=2026-13", null).statusCode()).isEqualTo(400);
        assertThat(get(server, "/accounts/acct-1/usage?month=2026-11", null).statusCode()).isEqualTo(404);
        assertThat(get(server, "/nowhere", null).statusCode()).isEqualTo(404);
        backend.ready = false;
        assertThat(get(server, "/accounts/acct-1/usage?month=2026-11", null).statusCode()).isEqualTo(503);
        assertThat(get(server, "/ready", null).statusCode()).isEqualTo(503);
        assertThat(get(server, "/health", null).statusCode()).isEqualTo(200);
        backend.alive = false;
        assertThat(get(server, "/health", null).statusCode()).isEqualTo(503);
    }

    @Test
    void metricsServeTheBackendsMetersWithTheirCounts() throws Exception {
        MapBackend backend = new MapBackend();
        backend.meters.rejected(Reason.UNKNOWN_MODEL);
        backend.meters.rejected(Reason.UNKNOWN_MODEL);
        backend.meters.rejected(Reason.UNKNOWN_MODEL);
        backend.meters.alertFired(Alert.CEILING_100);
        HttpResponse<String> response = get(start(ApiAccess.open(), backend), "/metrics", null);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(Exposition.samples(response.body(), "flux_billing_rejected_total"))
                .containsEntry("{reason=\"UNKNOWN_MODEL\"}", 3.0).containsEntry("{reason=\"MALFORMED\"}", 0.0);
        assertThat(Exposition.samples(response.body(), "flux_billing_alerts_total"))
                .containsEntry("{alert=\"CEILING_100\"}", 1.0);
        Promtool.Check check = Promtool.check(response.body());
        assertThat(check.parsed()).as(check.output()).isTrue();
        assertThat(check.problemsOf("flux_")).isEmpty();
    }

    /** A real Kafka Streams client of the production topology, created but never started (state CREATED). */
    private KafkaStreams createdClient(Path stateDir) {
        Properties properties = new Properties();
        properties.putAll(StreamsSettings.of(BillingConfig.defaults()));
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
        properties.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        KafkaStreams client = new KafkaStreams(BillingTopology.build(BillingConfig.defaults()), properties);
        streams.add(client);
        return client;
    }

    @Test
    void healthTurns503AfterMoreThanTheMaximumThreadReplacementsWithinTheWindowAndRecovers(@TempDir Path stateDir)
            throws Exception {
        AtomicLong now = new AtomicLong();
        BillingConfig config = BillingConfig.defaults();
        ThreadReplacements replacements = new ThreadReplacements(config.healthMaxThreadReplacements(),
                config.healthReplacementWindow(), now::get);
        StreamsBackend backend = new StreamsBackend(createdClient(stateDir), new HostInfo("127.0.0.1", 1), 0, 0,
                replacements::tooMany, () -> "");
        ApiServer server = start(ApiAccess.open(), backend);
        for (int i = 0; i < 5; i++) {
            now.addAndGet(Duration.ofSeconds(30).toNanos());
            replacements.replaced();
        }
        assertThat(get(server, "/health", null).statusCode()).as("5 replacements in 10 minutes").isEqualTo(200);
        now.addAndGet(Duration.ofSeconds(30).toNanos());
        replacements.replaced();
        HttpResponse<String> crashLoop = get(server, "/health", null);
        assertThat(crashLoop.statusCode()).as("the 6th within 10 minutes").isEqualTo(503);
        assertThat(crashLoop.body()).isEqualTo("{\"status\":\"DOWN\"}");
        // The first replacement was at 30 s; 10 minutes later it no longer counts.
        now.set(Duration.ofSeconds(30).plusMinutes(10).toNanos());
        assertThat(get(server, "/health", null).statusCode()).isEqualTo(200);
    }

    @Test
    void headOnTheProbesAnswersLikeGetWithoutABodyAndWithoutAJdkWarning() throws Exception {
        java.util.logging.Logger jdk = java.util.logging.Logger.getLogger("com.sun.net.httpserver");
        List<java.util.logging.LogRecord> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler handler = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                if (record.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
                    warnings.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        jdk.addHandler(handler);
        try {
            MapBackend backend = new MapBackend();
            backend.ready = false;
            ApiServer server = start(ApiAccess.open(), backend);
            for (String probe : List.of("/health", "/ready")) {
                HttpResponse<String> get = get(server, probe, null);
                HttpResponse<String> head = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + probe))
                        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(head.statusCode()).as(probe).isEqualTo(get.statusCode());
                assertThat(head.headers().firstValue("Content-Type")).isEqualTo(get.headers().firstValue("Content-Type"));
                assertThat(head.body()).isEmpty();
            }
            assertThat(get(server, "/health", null).statusCode()).isEqualTo(200);
            assertThat(get(server, "/ready", null).statusCode()).isEqualTo(503);
            HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/health"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
        } finally {
            jdk.removeHandler(handler);
        }
        assertThat(warnings).extracting(java.util.logging.LogRecord::getMessage).isEmpty();
    }

    @Test
    void anAccountOwnedElsewhereIsAnsweredByForwarding() throws Exception {
        MapBackend owner = new MapBackend();
        owner.ledgers.put("acct-2 2026-11", ledger("acct-2", "2026-11"));
        ApiServer ownerServer = start(ApiAccess.open(), owner);
        MapBackend other = new MapBackend();
        other.elsewhere.put("acct-2", "127.0.0.1:" + ownerServer.port());
        HttpResponse<String> response = get(start(ApiAccess.open(), other), "/accounts/acct-2/usage?month=2026-11", null);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"account_id\":\"acct-2\"");
    }

    @Test
    void forwardingNeverLoopsWhileOwnershipMoves() throws Exception {
        MapBackend a = new MapBackend();
        MapBackend b = new MapBackend();
        ApiServer serverA = start(ApiAccess.open(), a);
        ApiServer serverB = start(ApiAccess.open(), b);
        a.elsewhere.put("acct-3", "127.0.0.1:" + serverB.port());
        b.elsewhere.put("acct-3", "127.0.0.1:" + serverA.port());
        assertThat(get(serverA, "/accounts/acct-3/usage?month=2026-11", null).statusCode()).isEqualTo(503);
    }

    @Test
    void tokensDecideWhoReadsWhichAccount() throws Exception {
        MapBackend backend = new MapBackend();
        backend.ledgers.put("acct-1 2026-11", ledger("acct-1", "2026-11"));
        backend.ledgers.put("acct-2 2026-11", ledger("acct-2", "2026-11"));
        ApiServer server = start(ApiAccess.of(Map.of(ApiAccess.TOKEN, "operator", ApiAccess.ACCOUNT_TOKENS, "acct-1=one")), backend);
        assertThat(get(server, "/accounts/acct-1/usage?month=2026-11", null).statusCode()).isEqualTo(401);
        assertThat(get(server, "/accounts/acct-1/usage?month=2026-11", "wrong").statusCode()).isEqualTo(403);
        assertThat(get(server, "/accounts/acct-1/usage?month=2026-11", "one").statusCode()).isEqualTo(200);
        assertThat(get(server, "/accounts/acct-2/usage?month=2026-11", "one").statusCode()).isEqualTo(403);
        assertThat(get(server, "/accounts/acct-2/usage?month=2026-11", "operator").statusCode()).isEqualTo(200);
        assertThat(get(server, "/health", null).statusCode()).as("probes need no token").isEqualTo(200);
    }

    @Test
    void accountIdsArePercentDecodedOnceWithPlusAsAPlusSign() throws Exception {
        MapBackend owner = new MapBackend();
        owner.ledgers.put("a+b/c d 2026-11", ledger("a+b/c d", "2026-11"));
        ApiServer ownerServer = start(ApiAccess.open(), owner);
        assertThat(get(ownerServer, "/accounts/a+b%2Fc%20d/usage?month=2026-11", null).body())
                .contains("\"account_id\":\"a+b/c d\"");
        MapBackend other = new MapBackend();
        other.elsewhere.put("a+b/c d", "127.0.0.1:" + ownerServer.port());
        assertThat(get(start(ApiAccess.open(), other), "/accounts/a+b%2Fc%20d/usage?month=2026-11", null).body())
                .as("forwarded with the same account").contains("\"account_id\":\"a+b/c d\"");
    }

    @Test
    void anUnexpectedFailureIsAnAnswerWithStatus500() throws Exception {
        MapBackend failing = new MapBackend() {
            @Override
            public MonthLedger ledger(String account, String month) {
                throw new IllegalStateException("store closed");
            }
        };
        try (CapturedLog log = new CapturedLog(ApiServer.class)) {
            assertThat(get(start(ApiAccess.open(), failing), "/accounts/acct-1/usage?month=2026-11", null).statusCode())
                    .isEqualTo(500);
            assertThat(log.lines()).containsExactly(new CapturedLog.Line(Level.ERROR,
                    "GET /accounts/acct-1/usage?month=2026-11 failed; answered 500", IllegalStateException.class.getName()));
        }
    }

    /** A Pacific/Honolulu (UTC-10) Free account capped at $5 on 10 November, 9 of its month's 30 days gone. */
    private static SpendStatus capped(String account) {
        return SpendStatus.newBuilder()
                .setAccountId(account)
                .setBillingMonth("2026-11")
                .setStatus("CAPPED")
                .setUsageUsd(new BigDecimal("5.250000000"))
                .setIncludedCreditUsd(new BigDecimal("5.000000000"))
                .setCreditRemainingUsd(new BigDecimal("0E-9"))
                .setSpendCeilingUsd(new BigDecimal("5.000000000"))
                .setRemainingUsd(new BigDecimal("0E-9"))
                .setPeriodStart(Instant.parse("2026-11-01T10:00:00Z"))
                .setPeriodEnd(Instant.parse("2026-12-01T10:00:00Z"))
                .setProjectedUsageUsd(new BigDecimal("17.500000000"))
                .setReason("USAGE")
                .setAsOf(Instant.parse("2026-11-10T10:00:00.123Z"))
                .build();
    }

    private static String cappedJson(String account) {
        return "{\"account_id\":\"" + account + "\",\"billing_month\":\"2026-11\",\"status\":\"CAPPED\","
                + "\"usage_usd\":\"5.25\",\"included_credit_usd\":\"5\",\"credit_remaining_usd\":\"0\","
                + "\"spend_ceiling_usd\":\"5\",\"remaining_usd\":\"0\",\"period_start\":\"2026-11-01T10:00:00Z\","
                + "\"period_end\":\"2026-12-01T10:00:00Z\",\"projected_usage_usd\":\"17.5\",\"reason\":\"USAGE\","
                + "\"as_of\":\"2026-11-10T10:00:00.123Z\"}";
    }

    /** An address where nothing listens: an owner that has gone away. */
    private static String deadAddress() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return "127.0.0.1:" + socket.getLocalPort();
        }
    }

    @Test
    void statusAnswersTheLatestSpendStatusWithMoneyAsDecimalStringsAndInstantsInIso8601() throws Exception {
        MapBackend backend = new MapBackend();
        backend.statuses.put("free-1", capped("free-1"));
        SpendStatus payg = capped("payg-1");
        payg.setStatus("ACTIVE");
        payg.setSpendCeilingUsd(null);
        payg.setRemainingUsd(null);
        payg.setProjectedUsageUsd(null);
        backend.statuses.put("payg-1", payg);
        ApiServer server = start(ApiAccess.open(), backend);

        HttpResponse<String> capped = get(server, "/accounts/free-1/status", null);
        assertThat(capped.statusCode()).isEqualTo(200);
        assertThat(capped.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(capped.body()).isEqualTo(cappedJson("free-1"));
        assertThat(get(server, "/accounts/payg-1/status", null).body()).contains("\"status\":\"ACTIVE\"",
                "\"spend_ceiling_usd\":null", "\"remaining_usd\":null", "\"projected_usage_usd\":null");
    }

    @Test
    void statusIs404ForAnAccountWithoutOneAnd503WhileNoHostIsKnown() throws Exception {
        MapBackend backend = new MapBackend();
        ApiServer server = start(ApiAccess.open(), backend);
        HttpResponse<String> none = get(server, "/accounts/acct-9/status", null);
        assertThat(none.statusCode()).isEqualTo(404);
        assertThat(none.body()).isEqualTo("{\"error\":\"no spend status for acct-9\"}");
        backend.ready = false;
        assertThat(get(server, "/accounts/acct-9/status", null).statusCode()).isEqualTo(503);
        assertThat(get(server, "/accounts/acct-9/status/", null).statusCode()).isEqualTo(404);
    }

    @Test
    void statusHasTheUsageEndpointsAuthorisation() throws Exception {
        MapBackend backend = new MapBackend();
        backend.statuses.put("acct-1", capped("acct-1"));
        backend.statuses.put("acct-2", capped("acct-2"));
        backend.ledgers.put("acct-1 2026-11", ledger("acct-1", "2026-11"));
        backend.ledgers.put("acct-2 2026-11", ledger("acct-2", "2026-11"));
        ApiServer server = start(ApiAccess.of(Map.of(ApiAccess.TOKEN, "operator", ApiAccess.ACCOUNT_TOKENS, "acct-1=one")), backend);
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("acct-1 none", "401");
        cases.put("acct-1 wrong", "403");
        cases.put("acct-1 one", "200");
        cases.put("acct-2 one", "403");
        cases.put("acct-2 operator", "200");
        for (Map.Entry<String, String> entry : cases.entrySet()) {
            String[] given = entry.getKey().split(" ");
            String token = given[1].equals("none") ? null : given[1];
            int usage = get(server, "/accounts/" + given[0] + "/usage?month=2026-11", token).statusCode();
            int status = get(server, "/accounts/" + given[0] + "/status", token).statusCode();
            assertThat(status).as(entry.getKey()).isEqualTo(Integer.parseInt(entry.getValue())).isEqualTo(usage);
        }
        assertThat(backend.statusReads).as("refused requests read nothing").containsExactly("acct-1", "acct-2");
    }

    @Test
    void aStandbyWithinTheLagAnswersWhenTheOwnerHasGoneAway() throws Exception {
        MapBackend standby = new MapBackend();
        standby.statuses.put("free-1", capped("free-1"));
        ApiServer standbyServer = start(ApiAccess.of(Map.of(ApiAccess.TOKEN, "operator")), standby);
        MapBackend asked = new MapBackend();
        asked.statusSources.put("free-1", List.of(new StatusRoute.There(deadAddress()),
                new StatusRoute.There("127.0.0.1:" + standbyServer.port())));
        HttpResponse<String> response = get(start(ApiAccess.of(Map.of(ApiAccess.TOKEN, "operator")), asked),
                "/accounts/free-1/status", "operator");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).as("forwarded with the caller's token").isEqualTo(cappedJson("free-1"));
        assertThat(asked.statusReads).isEmpty();
    }

    @Test
    void aHostAnswering503IsPassedOverForTheNextCopyAndThisInstancesOwnCopyComesWhereTheRouteSays() throws Exception {
        MapBackend restoring = new MapBackend();
        restoring.statusSources.put("free-1", List.of());
        ApiServer restoringServer = start(ApiAccess.open(), restoring);
        MapBackend asked = new MapBackend();
        asked.statuses.put("free-1", capped("free-1"));
        asked.statusSources.put("free-1", List.of(new StatusRoute.There("127.0.0.1:" + restoringServer.port()),
                new StatusRoute.Here()));
        ApiServer askedServer = start(ApiAccess.open(), asked);

        assertThat(get(askedServer, "/accounts/free-1/status", null).body()).isEqualTo(cappedJson("free-1"));
        assertThat(restoring.statusReads).isEmpty();
        assertThat(asked.statusReads).containsExactly("free-1");
    }

    @Test
    void aForwardedStatusRequestIsAnsweredFromTheLocalCopyOnlyAndNeverForwardedAgain() throws Exception {
        MapBackend a = new MapBackend();
        MapBackend b = new MapBackend();
        ApiServer serverA = start(ApiAccess.open(), a);
        ApiServer serverB = start(ApiAccess.open(), b);
        a.statusSources.put("free-1", List.of(new StatusRoute.There("127.0.0.1:" + serverB.port())));
        b.statusSources.put("free-1", List.of(new StatusRoute.There("127.0.0.1:" + serverA.port())));
        HttpResponse<String> response = get(serverA, "/accounts/free-1/status", null);
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).contains("flux.http.status-max-lag", "127.0.0.1:" + serverB.port() + " answered 503");
        assertThat(a.statusRoutes).as("asked once, by the client").containsExactly("free-1");
        assertThat(b.statusRoutes).as("asked once, by A").containsExactly("free-1");
    }

    @Test
    void refusesToListenBeyondThisMachineWithoutAToken() {
        assertThatThrownBy(() -> ApiServer.start("0.0.0.0", 0, ApiAccess.open(), new MapBackend()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(ApiAccess.TOKEN);
    }
}
