package com.fluxrouter.billing.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fluxrouter.billing.api.StatusRoute;
import com.fluxrouter.billing.api.StreamsBackend;
import com.fluxrouter.billing.catalog.CatalogFlow;
import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.catalog.PublishedPriceList;
import com.fluxrouter.billing.docs.FleetSpendStatus;
import com.fluxrouter.billing.local.Seed;
import com.fluxrouter.billing.local.Service;
import com.fluxrouter.billing.local.TopicSetup;
import com.fluxrouter.billing.metering.MeteringFlow;
import com.fluxrouter.billing.plans.PlanFlow;
import com.fluxrouter.billing.schema.AccountMonthKey;
import com.fluxrouter.billing.schema.AccountPlan;
import com.fluxrouter.billing.schema.AccountPlanKey;
import com.fluxrouter.billing.schema.RoutedRequest;
import com.fluxrouter.billing.schema.SpendAlert;
import com.fluxrouter.billing.schema.SpendStatus;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.serde.WireFormat;
import com.fluxrouter.billing.topology.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 13 on a real broker, with the pipeline as {@code run} runs it (exactly_once_v2, its HTTP API): a Free account
 * (credit = ceiling) reaches its cap, is CAPPED on flux.accounts.spend-status with CEILING_100 on the alerts; its
 * plan is upgraded with effective_from = now, and with no request at all an ACTIVE status (reason PLAN_CHANGE) is on
 * the topic within 2 s of the plan record's timestamp; {@code GET /accounts/{a}/status} answers it, and the fleet-side
 * example of docs/consuming.md ({@link FleetSpendStatus}, a GlobalKTable) sees CAPPED, then ACTIVE. The topic is
 * compacted as {@code topics} creates it.
 *
 * <p>Expected figures come from the rules' text with BigDecimal and java.time: Express is $1 per 1M tokens, so each
 * request of 1,000 tokens costs $0.001; the month's credit is the largest of its versions (rule 6), the ceiling the
 * one in force at as_of (rule 12), the forecast usage x month / elapsed, half-up to the nano-dollar. The account
 * bills in the zone where it is noon when the test starts, so that the cap and the upgrade, a few seconds apart on the
 * wall clock, fall in one billing month whenever the test runs.
 */
@WithBroker(partitions = 1)
class SpendControlIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    /** Issue 13's "done when": ACTIVE within 2 s of the version taking effect. */
    private static final Duration RESUME_WITHIN = Duration.ofSeconds(2);
    private static final String ACCOUNT = "free-1";
    private static final BigDecimal FREE = new BigDecimal("0.002");
    private static final BigDecimal TEAM_CREDIT = new BigDecimal("20");
    private static final BigDecimal TEAM_CEILING = new BigDecimal("100");
    private static final BigDecimal PER_REQUEST = new BigDecimal("1000").multiply(new BigDecimal("1"))
            .divide(new BigDecimal("1000000"));
    private static final Serdes SERDES = new Serdes(WireFormat.SINGLE_OBJECT);
    private static EmbeddedKafka kafka;

    @TempDir
    static Path tmp;

    /** Committed records of the topic, read until one of them matches (a snapshot: it may hold later ones too). */
    private static List<ConsumerRecord<byte[], byte[]>> through(String topic,
                                                              Predicate<ConsumerRecord<byte[], byte[]>> match) {
        return kafka.awaitCommitted(topic, records -> records.stream().anyMatch(match), TIMEOUT);
    }

    @Test
    void aCappedFreeAccountUpgradedNowIsActiveWithinTwoSecondsWithoutARequest() throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = kafka.producer();
             Service service = Service.start(settings());
             FleetSpendStatus fleet = new FleetSpendStatus(fleetSettings())) {
            Seed.catalog(producer, SERDES);
            fleet.start();
            await("pipeline and fleet cache RUNNING").atMost(TIMEOUT).until(() -> fleet.running()
                    && service.pipeline().streams().state() == KafkaStreams.State.RUNNING);
            service.pipeline().awaitEntries(CatalogFlow.MODELS_STORE, PublishedPriceList.models().size(), TIMEOUT);
            service.pipeline().awaitEntries(CatalogFlow.RATES_STORE, PublishedPriceList.rates().size(), TIMEOUT);

            Instant start = Instant.now();
            // Billed in UTC, a cap at 23:59:58Z on a month's last day and the upgrade at 00:00:01Z made the upgrade's
            // status the NEW_PERIOD of a month without usage: in this zone the month cannot turn within the test.
            ZoneId zone = noonAt(start);
            YearMonth month = YearMonth.from(start.atZone(zone));
            publish(producer, plan("Free", FREE, FREE, zone, month.atDay(1).atStartOfDay(zone).toInstant()),
                    start.toEpochMilli());
            // Rule 6, production order: requests see a version once it reached the global store (publish ahead).
            service.pipeline().awaitEntries(PlanFlow.PUBLICATIONS_STORE, 1, TIMEOUT);
            SpendStatus free = decode(first(through(Topics.SPEND_STATUS, ofAccount()),
                    ofAccount()));
            assertThat(free.getStatus()).as("the Free plan's first status, before any request").isEqualTo("ACTIVE");
            assertThat(free.getReason()).isEqualTo("PLAN_CHANGE");
            assertThat(free.getUsageUsd()).isEqualByComparingTo(BigDecimal.ZERO);
            // $0.001 each: the second reaches the $0.002 ceiling.
            request(producer, "r-1", start.plusMillis(1));
            request(producer, "r-2", start.plusMillis(2));

            SpendStatus capped = decode(first(through(Topics.SPEND_STATUS, isCapped()),
                    isCapped()));
            assertThat(capped.getReason()).isEqualTo("USAGE");
            assertThat(capped.getUsageUsd()).isEqualByComparingTo(PER_REQUEST.multiply(BigDecimal.valueOf(2)))
                    .isEqualByComparingTo(FREE);
            assertThat(capped.getSpendCeilingUsd()).isEqualByComparingTo(FREE);
            assertThat(capped.getRemainingUsd()).isEqualByComparingTo(BigDecimal.ZERO);
            Predicate<ConsumerRecord<byte[], byte[]>> ceiling100 = record -> alert(record).getAlert().equals("CEILING_100");
            ConsumerRecord<byte[], byte[]> alert = first(through(Topics.ALERTS, ceiling100),
                    ceiling100);
            assertThat(SERDES.avro(AccountMonthKey.class).deserializer().deserialize(Topics.ALERTS, alert.key()))
                    .isEqualTo(new AccountMonthKey(ACCOUNT, month.toString()));
            assertThat(alert(alert).getThresholdUsd()).isEqualByComparingTo(FREE);
            await("the fleet's cache sees CAPPED").atMost(TIMEOUT).until(() -> fleet.status(ACCOUNT) != null
                    && fleet.status(ACCOUNT).getStatus().equals("CAPPED"));
            assertThat(FleetSpendStatus.mayRoute(fleet.status(ACCOUNT))).isFalse();

            SpendStatus resumed;
            long published;
            long receivedAt;
            try (KafkaConsumer<byte[], byte[]> consumer = statusConsumerAtTheEnd()) {
                published = System.currentTimeMillis();
                publish(producer, plan("Team", TEAM_CREDIT, TEAM_CEILING, zone, Instant.ofEpochMilli(published)),
                        published);
                List<ConsumerRecord<byte[], byte[]>> arrived = new ArrayList<>();
                await("a status of " + ACCOUNT + " after the upgrade").atMost(TIMEOUT).pollDelay(Duration.ZERO)
                        .pollInterval(Duration.ofMillis(1)).until(() -> {
                            consumer.poll(Duration.ofMillis(20)).forEach(arrived::add);
                            return arrived.stream().anyMatch(record -> decode(record).getAccountId().equals(ACCOUNT));
                        });
                receivedAt = System.currentTimeMillis();
                resumed = decode(arrived.stream().filter(record -> decode(record).getAccountId().equals(ACCOUNT))
                        .findFirst().orElseThrow());
            }
            assertThat(resumed.getStatus()).isEqualTo("ACTIVE");
            assertThat(resumed.getReason()).isEqualTo("PLAN_CHANGE");
            assertThat(Duration.ofMillis(receivedAt - published)).as("from the plan record's timestamp to ACTIVE")
                    .isLessThanOrEqualTo(RESUME_WITHIN);
            assertResumedFigures(resumed, published, zone);

            // Nothing else about the account came: a sentinel account's first status, on the same (only) partition,
            // comes after anything the upgrade caused.
            long sentinelAt = System.currentTimeMillis();
            publish(producer, new AccountPlan("sentinel", "Team", TEAM_CREDIT, TEAM_CEILING, null,
                    Instant.ofEpochMilli(sentinelAt)), sentinelAt);
            List<SpendStatus> afterCap = new ArrayList<>();
            boolean past = false;
            for (ConsumerRecord<byte[], byte[]> record : through(Topics.SPEND_STATUS,
                    record -> decode(record).getAccountId().equals("sentinel"))) {
                SpendStatus status = decode(record);
                if (past && status.getAccountId().equals(ACCOUNT)) {
                    afterCap.add(status);
                }
                past = past || (status.getAccountId().equals(ACCOUNT) && status.getStatus().equals("CAPPED"));
            }
            assertThat(afterCap).as("after CAPPED: the upgrade's status only").containsExactly(resumed);
            assertThat(kafka.committed(Topics.PRICED)).as("no request but the two").hasSize(2);

            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(service.apiAddress() + "/accounts/" + ACCOUNT + "/status")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(200);
            JsonNode json = new ObjectMapper().readTree(answer.body());
            assertThat(json.get("status").asText()).isEqualTo("ACTIVE");
            assertThat(json.get("reason").asText()).isEqualTo("PLAN_CHANGE");
            assertThat(json.get("as_of").asText()).isEqualTo(Instant.ofEpochMilli(published).toString());
            assertThat(new BigDecimal(json.get("usage_usd").asText())).isEqualByComparingTo(FREE);
            assertThat(new BigDecimal(json.get("spend_ceiling_usd").asText())).isEqualByComparingTo(TEAM_CEILING);
            assertThat(new BigDecimal(json.get("remaining_usd").asText())).isEqualByComparingTo(TEAM_CEILING.subtract(FREE));

            await("the fleet's cache sees ACTIVE").atMost(TIMEOUT).until(() -> fleet.status(ACCOUNT).getStatus().equals("ACTIVE"));
            assertThat(fleet.status(ACCOUNT)).isEqualTo(resumed);
            assertThat(FleetSpendStatus.mayRoute(fleet.status(ACCOUNT))).isTrue();
        }
    }

    /**
     * Issue 13 item 5: while the owner of an account's partition leaves and its standby takes over, the standby's
     * instance keeps answering the account's status (from the owner, then from its own standby copy within
     * flux.http.status-max-lag, then as the new owner): no 503 in between, and some answers come from the standby
     * copy while its instance is not the owner or is rebalancing.
     */
    @Test
    void aRebalanceNeverFailsTheStatusCheckWhileAStandbyIsWithinTheLag() throws Exception {
        String account = "standby-1";
        try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
            Seed.catalog(producer, SERDES);
            long at = System.currentTimeMillis();
            publish(producer, new AccountPlan(account, "Team", TEAM_CREDIT.setScale(9), TEAM_CEILING.setScale(9),
                    null, Instant.ofEpochMilli(at)), at);
            List<Service> services = new ArrayList<>(List.of(Service.start(standbySettings("a")),
                    Service.start(standbySettings("b"))));
            try {
                // Which instance owns the partition is the assignor's choice (it may move the task once the new
                // instance's standby caught up): wait for one owner and a standby copy of the status on the other.
                AtomicReference<Service> ownerRef = new AtomicReference<>();
                await("the account's status on one instance, its partition's standby on the other").atMost(TIMEOUT)
                        .ignoreExceptions().untilAsserted(() -> {
                            HostInfo active = activeHost(services.get(0), account);
                            Service owner = services.stream().filter(service -> host(service).equals(active))
                                    .findFirst().orElseThrow();
                            Service other = services.get(owner == services.get(0) ? 1 : 0);
                            StreamsBackend view = view(other);
                            assertThat(activeHost(other, account)).isEqualTo(active);
                            assertThat(view.statusRoute(account).sources()).containsExactly(
                                    new StatusRoute.There(active.host() + ":" + active.port()), new StatusRoute.Here());
                            assertThat(view.status(account, 0)).isNotNull();
                            ownerRef.set(owner);
                        });
                Service owner = ownerRef.get();
                Service standby = services.get(owner == services.get(0) ? 1 : 0);
                HostInfo standbyHost = host(standby);

                List<Answer> answers = new java.util.concurrent.CopyOnWriteArrayList<>();
                AtomicBoolean asking = new AtomicBoolean(true);
                Thread fleet = new Thread(() -> {
                    HttpClient client = HttpClient.newHttpClient();
                    while (asking.get()) {
                        KafkaStreams.State state = standby.pipeline().streams().state();
                        HostInfo active = activeHost(standby, account);
                        try {
                            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(
                                    standby.apiAddress() + "/accounts/" + account + "/status")).build(),
                                    HttpResponse.BodyHandlers.ofString());
                            answers.add(new Answer(state, active, response.statusCode(), response.body()));
                        } catch (Exception e) {
                            answers.add(new Answer(state, active, -1, e.toString()));
                        }
                        try {
                            Thread.sleep(10); // pacing of the checks, not synchronisation
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }, "fleet-check");
                fleet.start();
                await("answers from the owner").atMost(TIMEOUT).until(() -> answers.size() >= 5);
                services.remove(owner);
                owner.close();
                await("the standby's instance owns the account and answers as owner").atMost(TIMEOUT).until(() ->
                        standby.pipeline().streams().state() == KafkaStreams.State.RUNNING
                                && standbyHost.equals(activeHost(standby, account))
                                && answers.stream().filter(answer -> standbyHost.equals(answer.active())
                                && answer.state() == KafkaStreams.State.RUNNING).count() >= 5);
                asking.set(false);
                fleet.join();

                assertThat(answers).as("every check answered, none 503").allSatisfy(answer ->
                        assertThat(answer.code()).as(answer.toString()).isEqualTo(200));
                assertThat(answers).as("answers while the standby's instance was not the owner or rebalancing")
                        .anySatisfy(answer -> assertThat(answer.state() != KafkaStreams.State.RUNNING
                                || !standbyHost.equals(answer.active())).isTrue());
                assertThat(answers).extracting(Answer::body).allSatisfy(body -> assertThat(body)
                        .contains("\"account_id\":\"" + account + "\"", "\"status\":\"ACTIVE\""));
            } finally {
                services.forEach(Service::close);
            }
        }
    }

    private static HostInfo host(Service service) {
        return HostInfo.buildFromEndpoint(URI.create(service.apiAddress()).getAuthority());
    }

    /** The status endpoint's view of an instance, with the default flux.http.status-max-lag. */
    private static StreamsBackend view(Service service) {
        return new StreamsBackend(service.pipeline().streams(), host(service), 0,
                BillingConfig.defaults().statusMaxLag(), () -> false, () -> "");
    }

    /** One check of the fleet: the asked instance's state and the owner it knew just before, and the answer. */
    private record Answer(KafkaStreams.State state, HostInfo active, int code, String body) {
    }

    private static HostInfo activeHost(Service service, String account) {
        try {
            KeyQueryMetadata metadata = service.pipeline().streams().queryMetadataForKey(MeteringFlow.STATUS_STORE,
                    account, new StringSerializer());
            return metadata == null ? null : metadata.activeHost();
        } catch (RuntimeException notNow) {
            return null;
        }
    }

    private static Map<String, String> standbySettings(String instance) {
        return Map.of(
                StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                StreamsConfig.APPLICATION_ID_CONFIG, "flux-billing-it-spend-standby",
                StreamsConfig.STATE_DIR_CONFIG, tmp.resolve(instance).toString(),
                StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, "1",
                Service.HTTP_PORT, "0");
    }

    @Test
    void theStatusTopicIsCompactedWithShortSegmentsAsTopicsCreatesIt() throws Exception {
        try (Admin admin = Admin.create(kafka.clientSettings(Map.of()))) {
            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, Topics.SPEND_STATUS);
            Config config = admin.describeConfigs(List.of(topic)).all().get(30, TimeUnit.SECONDS).get(topic);
            assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
            assertThat(config.get("segment.ms").value()).isEqualTo("600000");
            assertThat(config.get("min.compaction.lag.ms").value()).isEqualTo("60000");
            assertThat(admin.describeTopics(List.of(Topics.SPEND_STATUS)).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(Topics.SPEND_STATUS).partitions()).hasSize(1);
            assertThat(TopicSetup.check(admin, 1)).as("topics finds nothing to fix").isEmpty();
        }
    }

    /** The upgrade's status, by rule 12 at as_of = the publication (after every request: the clock is behind it). */
    private static void assertResumedFigures(SpendStatus status, long published, ZoneId zone) {
        Instant asOf = Instant.ofEpochMilli(published);
        YearMonth month = YearMonth.from(asOf.atZone(zone));
        Instant periodStart = month.atDay(1).atStartOfDay(zone).toInstant();
        Instant periodEnd = month.plusMonths(1).atDay(1).atStartOfDay(zone).toInstant();
        assertThat(status.getAccountId()).isEqualTo(ACCOUNT);
        assertThat(status.getAsOf()).isEqualTo(asOf);
        assertThat(status.getBillingMonth()).isEqualTo(month.toString());
        assertThat(status.getPeriodStart()).isEqualTo(periodStart);
        assertThat(status.getPeriodEnd()).isEqualTo(periodEnd);
        assertThat(status.getUsageUsd()).isEqualByComparingTo(FREE);
        // Rule 6: the month's credit is the largest of its versions, the upgrade's.
        assertThat(status.getIncludedCreditUsd()).isEqualByComparingTo(TEAM_CREDIT);
        assertThat(status.getCreditRemainingUsd()).isEqualByComparingTo(TEAM_CREDIT.subtract(FREE));
        assertThat(status.getSpendCeilingUsd()).isEqualByComparingTo(TEAM_CEILING);
        assertThat(status.getRemainingUsd()).isEqualByComparingTo(TEAM_CEILING.subtract(FREE));
        long elapsed = asOf.toEpochMilli() - periodStart.toEpochMilli();
        long length = periodEnd.toEpochMilli() - periodStart.toEpochMilli();
        if (elapsed * 5 < length) {
            assertThat(status.getProjectedUsageUsd()).as("before 20 %% of the month").isNull();
        } else {
            BigDecimal projected = FREE.multiply(BigDecimal.valueOf(length))
                    .divide(BigDecimal.valueOf(elapsed), 9, RoundingMode.HALF_UP);
            assertThat(status.getProjectedUsageUsd()).isEqualByComparingTo(projected);
        }
    }

    private static Map<String, String> settings() {
        return Map.of(
                StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                StreamsConfig.APPLICATION_ID_CONFIG, "flux-billing-it-spend-control",
                StreamsConfig.STATE_DIR_CONFIG, tmp.resolve("pipeline").toString(),
                Service.HTTP_PORT, "0");
    }

    private static Properties fleetSettings() {
        Properties settings = new Properties();
        settings.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        settings.put(StreamsConfig.APPLICATION_ID_CONFIG, "flux-router-it");
        settings.put(StreamsConfig.STATE_DIR_CONFIG, tmp.resolve("fleet").toString());
        return settings;
    }

    private static AccountPlan plan(String name, BigDecimal credit, BigDecimal ceiling, ZoneId zone,
                                    Instant effectiveFrom) {
        return new AccountPlan(ACCOUNT, name, credit.setScale(9), ceiling.setScale(9), zone.getId(), effectiveFrom);
    }

    /** The whole-hour zone, Etc/GMT+11 (UTC-11) to Etc/GMT-12 (UTC+12), in which {@code instant} is 12:00 to 12:59. */
    private static ZoneId noonAt(Instant instant) {
        int hoursAhead = 12 - instant.atZone(ZoneOffset.UTC).getHour();
        // The tz database's Etc zones carry POSIX signs: Etc/GMT-5 is five hours ahead of UTC.
        return ZoneId.of(hoursAhead == 0 ? "Etc/GMT" : String.format("Etc/GMT%+d", -hoursAhead));
    }

    /** A plan version published at {@code timestamp} (the record timestamp of flux.accounts.plans, rule 6). */
    private static void publish(KafkaProducer<byte[], byte[]> producer, AccountPlan plan, long timestamp)
            throws Exception {
        producer.send(new ProducerRecord<>(Topics.PLANS, null, timestamp,
                SERDES.avro(AccountPlanKey.class).serializer().serialize(Topics.PLANS,
                        new AccountPlanKey(plan.getAccountId(), plan.getEffectiveFrom())),
                SERDES.avro(AccountPlan.class).serializer().serialize(Topics.PLANS, plan))).get(30, TimeUnit.SECONDS);
    }

    /** 600 input and 400 output tokens on an Express model: 1,000 tokens at $1 per 1M, $0.001. */
    private static void request(KafkaProducer<byte[], byte[]> producer, String id, Instant completedAt)
            throws Exception {
        RoutedRequest request = new RoutedRequest(id, ACCOUNT, "flux-auto", "flux-express-small", null, 600L, 400L,
                completedAt, null);
        producer.send(new ProducerRecord<>(Topics.ROUTED, SERDES.string().serializer().serialize(Topics.ROUTED, ACCOUNT),
                SERDES.avro(RoutedRequest.class).serializer().serialize(Topics.ROUTED, request))).get(30, TimeUnit.SECONDS);
    }

    /** A read_committed consumer positioned at the current end of the status topic. */
    private static KafkaConsumer<byte[], byte[]> statusConsumerAtTheEnd() {
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.clientSettings(Map.of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.SPEND_STATUS).stream()
                .map(info -> new TopicPartition(Topics.SPEND_STATUS, info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // resolves the end now, before the upgrade is published
        return consumer;
    }

    private static Predicate<ConsumerRecord<byte[], byte[]>> ofAccount() {
        return record -> decode(record).getAccountId().equals(ACCOUNT);
    }

    private static Predicate<ConsumerRecord<byte[], byte[]>> isCapped() {
        return record -> {
            SpendStatus decoded = decode(record);
            return decoded.getAccountId().equals(ACCOUNT) && decoded.getStatus().equals("CAPPED");
        };
    }

    private static SpendStatus decode(ConsumerRecord<byte[], byte[]> record) {
        return SERDES.avro(SpendStatus.class).deserializer().deserialize(Topics.SPEND_STATUS, record.value());
    }

    private static SpendAlert alert(ConsumerRecord<byte[], byte[]> record) {
        return SERDES.avro(SpendAlert.class).deserializer().deserialize(Topics.ALERTS, record.value());
    }

    private static ConsumerRecord<byte[], byte[]> first(List<ConsumerRecord<byte[], byte[]>> records,
                                                        Predicate<ConsumerRecord<byte[], byte[]>> matching) {
        return records.stream().filter(matching).findFirst().orElseThrow();
    }
}
