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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
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

    /** A backend owning some accounts and sending the rest elsewhere. */
    private static class MapBackend implements Backend {
        final Map<String, MonthLedger> ledgers = new HashMap<>();
        final Map<String, String> elsewhere = new HashMap<>();
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
        StreamsBackend backend = new StreamsBackend(createdClient(stateDir), new HostInfo("127.0.0.1", 1), 0,
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

    @Test
    void refusesToListenBeyondThisMachineWithoutAToken() {
        assertThatThrownBy(() -> ApiServer.start("0.0.0.0", 0, ApiAccess.open(), new MapBackend()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(ApiAccess.TOKEN);
    }
}
