package com.fluxrouter.billing.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fluxrouter.billing.catalog.CatalogFlow;
import com.fluxrouter.billing.local.Seed;
import com.fluxrouter.billing.local.Service;
import com.fluxrouter.billing.plans.PlanFlow;
import com.fluxrouter.billing.schema.AccountPlan;
import com.fluxrouter.billing.schema.PricedRequest;
import com.fluxrouter.billing.schema.RoutedRequest;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.serde.WireFormat;
import com.fluxrouter.billing.topology.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The producer examples of examples/producers/ (Python with Debian's python3-confluent-kafka and python3-avro, Node
 * with kafkajs and avsc), run as a router team would run them, against a real broker with six partitions and the
 * pipeline: every request lands on the partition Java's murmur2 gives its key, is priced once (each is sent twice,
 * as a retry would, with the same request_id) at the published lane rates, and bills into its account's one ledger
 * under its plan, Python's and Node's requests together.
 *
 * <p>Needs /usr/bin/python3 with the two Debian packages, and node with {@code npm ci} run in
 * examples/producers/node (.ci/run installs all of it). Without them the test is skipped on a developer's machine
 * and FAILS when {@code CI=true}: a CI that could not install them must not pass by skipping.
 */
@WithBroker(partitions = ProducerExamplesIT.PARTITIONS)
class ProducerExamplesIT {
    private static final Path EXAMPLES = Path.of("examples/producers");
    static final int PARTITIONS = 6;
    private static final int PER_ACCOUNT = 5;
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final Instant PLANS_FROM = Instant.parse("2026-01-01T00:00:00Z");
    private static final List<AccountPlan> PLANS = List.of(
            new AccountPlan("acme", "Team", new BigDecimal("0.020000000"), new BigDecimal("0.100000000"), null, PLANS_FROM),
            new AccountPlan("hobbyist", "Free", new BigDecimal("0.010000000"), new BigDecimal("0.010000000"), null, PLANS_FROM));
    private static final List<String> ACCOUNTS = List.of("acme", "hobbyist", "payg");

    private static EmbeddedKafka kafka;
    private static Service service;
    private static final Serdes SERDES = new Serdes(WireFormat.SINGLE_OBJECT);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() throws Exception {
        boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
        String missing = missingTools();
        if (ci && missing != null) {
            fail("CI=true but the producer examples cannot run: " + missing + " (.ci/run installs them)");
        }
        assumeTrue(missing == null, () -> "producer examples skipped: " + missing);

        try (KafkaProducer<byte[], byte[]> seed = Seed.producer(kafka.bootstrapServers())) {
            Seed.catalog(seed, SERDES);
            Seed.plans(seed, SERDES, PLANS);
        }
        service = Service.start(Map.of(
                StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                StreamsConfig.APPLICATION_ID_CONFIG, "flux-billing-it-producer-examples",
                StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory(tmp, "state").toString(),
                StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100",
                Service.HTTP_PORT, "0"));
        service.pipeline().awaitEntries(CatalogFlow.MODELS_STORE, 6, TIMEOUT);
        service.pipeline().awaitEntries(CatalogFlow.RATES_STORE, 3, TIMEOUT);
        service.pipeline().awaitEntries(PlanFlow.STORE, PLANS.size(), TIMEOUT);
    }

    @AfterAll
    static void stop() throws Exception {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void pythonAndNodeExamplesGetEveryRequestPricedOnceUnderItsPlan() throws Exception {
        List<JsonNode> sent = new ArrayList<>();
        sent.addAll(run("python", List.of("/usr/bin/python3", EXAMPLES.resolve("python/produce.py").toString()), "py"));
        sent.addAll(run("node", List.of("node", EXAMPLES.resolve("node/produce.js").toString()), "node"));
        assertThat(sent).hasSize(2 * 2 * ACCOUNTS.size() * PER_ACCOUNT);
        sent.forEach(line -> assertThat(line.get("partition").asInt()).as("partition of %s", line.get("request_id"))
                .isEqualTo(javaPartition(line.get("account_id").asText())));

        awaitSentinels();
        Map<String, List<PricedRequest>> priced = readPriced().stream()
                .filter(request -> !request.getAccountId().startsWith("sentinel-"))
                .collect(Collectors.groupingBy(PricedRequest::getRequestId));

        Map<String, JsonNode> distinct = new HashMap<>();
        sent.forEach(line -> distinct.put(line.get("request_id").asText(), line));
        assertThat(priced.keySet()).containsExactlyInAnyOrderElementsOf(distinct.keySet());
        // Expected usage by account and by the month of each request's completed_at (UTC: no plan here has a zone),
        // not by the month the API is asked in: a run across a month's end stamps some requests in the month before.
        Map<String, Map<YearMonth, BigDecimal>> usage = new TreeMap<>();
        distinct.forEach((id, line) -> {
            assertThat(priced.get(id)).as("priced copies of %s", id).hasSize(1);
            BigDecimal expected = cost(line);
            assertThat(priced.get(id).get(0).getCostUsd()).as("cost of %s", id).isEqualByComparingTo(expected);
            // The router's quote went through each example's decimal(38, 9) encoding and came back exact.
            assertThat(priced.get(id).get(0).getQuotedCostUsd()).as("quote of %s", id)
                    .isEqualTo(new BigDecimal(line.get("quoted_cost_usd").asText()).setScale(9));
            assertThat(priced.get(id).get(0).getQuotedCostUsd()).isEqualByComparingTo(expected);
            assertThat(priced.get(id).get(0).getQuoteMismatch()).as("quote mismatch of %s", id).isFalse();
            YearMonth monthOfRequest = YearMonth.from(
                    Instant.ofEpochMilli(line.get("completed_at").asLong()).atZone(ZoneOffset.UTC));
            usage.computeIfAbsent(line.get("account_id").asText(), account -> new TreeMap<>())
                    .merge(monthOfRequest, expected, BigDecimal::add);
        });

        assertThat(usage.keySet()).containsExactlyInAnyOrderElementsOf(ACCOUNTS);
        for (String account : ACCOUNTS) {
            AccountPlan plan = PLANS.stream().filter(p -> p.getAccountId().equals(account)).findFirst().orElse(null);
            BigDecimal credit = plan == null ? BigDecimal.ZERO : plan.getIncludedCreditUsd();
            for (Map.Entry<YearMonth, BigDecimal> entry : usage.get(account).entrySet()) {
                JsonNode month = usageOf(account, entry.getKey());
                BigDecimal used = entry.getValue();
                BigDecimal billable = plan == null ? used : used.min(plan.getSpendCeilingUsd());
                assertThat(month.get("billing_month").asText()).isEqualTo(entry.getKey().toString());
                assertThat(new BigDecimal(month.get("usage_usd").asText())).as("%s usage in %s", account, entry.getKey())
                        .isEqualByComparingTo(used);
                assertThat(new BigDecimal(month.get("included_credit_usd").asText())).as("%s credit", account)
                        .isEqualByComparingTo(credit);
                assertThat(new BigDecimal(month.get("overage_due_usd").asText()))
                        .as("%s overage due in %s", account, entry.getKey())
                        .isEqualByComparingTo(billable.subtract(credit).max(BigDecimal.ZERO));
            }
        }
    }

    /** Runs one example; returns the JSON lines of the requests it sent (the summary line checked apart). */
    private static List<JsonNode> run(String name, List<String> command, String prefix) throws Exception {
        List<String> full = new ArrayList<>(command);
        full.addAll(List.of("--bootstrap-servers", kafka.bootstrapServers(), "--accounts", String.join(",", ACCOUNTS),
                "--per-account", String.valueOf(PER_ACCOUNT), "--id-prefix", prefix, "--resend"));
        Path out = tmp.resolve(name + ".out");
        Path err = tmp.resolve(name + ".err");
        Process process = new ProcessBuilder(full).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail(name + " example did not finish within " + TIMEOUT + ": " + Files.readString(err));
        }
        assertThat(process.exitValue()).as("%s example exit code; stderr: %s", name, Files.readString(err)).isZero();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
            lines.add(JSON.readTree(line));
        }
        JsonNode summary = lines.remove(lines.size() - 1);
        assertThat(summary.get("sent").asInt()).isEqualTo(lines.size());
        // The fingerprint each example computed itself is the one in docs/producing.md's table.
        assertThat(summary.get("fingerprint").asText()).isEqualTo("0xC2BBF77AF4B7BA33");
        return lines;
    }

    private static BigDecimal cost(JsonNode line) {
        return PublishedPrices.cost(line.get("served_model").asText(), line.get("input_tokens").asLong(),
                line.get("output_tokens").asLong());
    }

    private static int javaPartition(String account) {
        return Utils.toPositive(Utils.murmur2(account.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
    }

    /**
     * Sends one sentinel request to every partition after the examples' records and waits until all are priced:
     * a partition's records are processed in order, so everything the examples sent before has been processed.
     */
    private static void awaitSentinels() throws Exception {
        Map<Integer, String> sentinels = new HashMap<>();
        for (int i = 0; sentinels.size() < PARTITIONS; i++) {
            sentinels.putIfAbsent(javaPartition("sentinel-" + i), "sentinel-" + i);
        }
        try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
            for (String account : sentinels.values()) {
                RoutedRequest request = new RoutedRequest("sentinel", account, "flux-auto", "deepseek-r1", null, 1L, 1L,
                        Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(60), null);
                producer.send(new ProducerRecord<>(Topics.ROUTED, account.getBytes(StandardCharsets.UTF_8),
                        SERDES.avro(RoutedRequest.class).serializer().serialize(Topics.ROUTED, request))).get();
            }
        }
        kafka.awaitCommitted(Topics.PRICED, records -> priced(records).stream()
                .filter(r -> r.getAccountId().startsWith("sentinel-")).count() == PARTITIONS, TIMEOUT);
    }

    /** Every committed priced request. */
    private static List<PricedRequest> readPriced() {
        return priced(kafka.committed(Topics.PRICED));
    }

    private static List<PricedRequest> priced(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(record -> SERDES.avro(PricedRequest.class).deserializer()
                .deserialize(record.topic(), record.value())).toList();
    }

    /** The API's view of the account's month, asked by name rather than as the month the clock is in now. */
    private static JsonNode usageOf(String account, YearMonth month) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(service.apiAddress() + "/accounts/" + account + "/usage?month=" + month)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("usage of %s: %s", account, response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    /** Why the examples cannot run here, or null when they can. */
    private static String missingTools() {
        if (!succeeds("/usr/bin/python3", "-c", "import confluent_kafka, avro")) {
            return "/usr/bin/python3 with python3-confluent-kafka and python3-avro";
        }
        if (!succeeds("node", "--version")) {
            return "node";
        }
        if (!Files.isDirectory(EXAMPLES.resolve("node/node_modules/kafkajs"))
                || !Files.isDirectory(EXAMPLES.resolve("node/node_modules/avsc"))) {
            return "kafkajs and avsc (npm ci in examples/producers/node)";
        }
        return null;
    }

    private static boolean succeeds(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
