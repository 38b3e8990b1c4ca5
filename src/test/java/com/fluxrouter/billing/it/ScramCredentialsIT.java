package com.fluxrouter.billing.it;

import com.fluxrouter.billing.cli.FluxBilling;
import com.fluxrouter.billing.local.Seed;
import com.fluxrouter.billing.schema.PricedRequest;
import com.fluxrouter.billing.schema.RoutedRequest;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.serde.WireFormat;
import com.fluxrouter.billing.topology.Topics;
import com.fluxrouter.billing.traffic.RequestFactory;
import com.fluxrouter.billing.traffic.TokenSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * `run` on a cluster that requires SASL/SCRAM and enforces ACLs, with its credentials from the environment exactly as
 * the Kubernetes manifests pass them (KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_MECHANISM, KAFKA_SASL_JAAS_CONFIG), and
 * with only the ACLs deploy/README.md lists for the pipeline's user.
 */
@WithBroker(partitions = ScramCredentialsIT.PARTITIONS, security = WithBroker.Security.SASL_SCRAM)
class ScramCredentialsIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final String USER = "flux-billing-it";
    private static final String PASSWORD = "scram-secret-42";
    private static final String APPLICATION_ID = "flux-billing-it-scram";
    private static final int REQUESTS = 50;
    static final int PARTITIONS = 2;
    private static EmbeddedKafka kafka;

    @TempDir
    static Path tmp;

    private final List<Process> processes = new ArrayList<>();

    @BeforeAll
    static void createTheUserAndItsAcls() throws Exception {
        kafka.admin().alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(USER,
                new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 4096), PASSWORD))).all().get(30, TimeUnit.SECONDS);
        kafka.admin().createAcls(pipelineAcls()).all().get(30, TimeUnit.SECONDS);
    }

    /** What the pipeline's user needs: its topics, its consumer group and its transactions, all by prefix. */
    private static List<AclBinding> pipelineAcls() {
        AccessControlEntry all = new AccessControlEntry("User:" + USER, "*", AclOperation.ALL, AclPermissionType.ALLOW);
        return List.of(
                new AclBinding(new ResourcePattern(ResourceType.TOPIC, "flux", PatternType.PREFIXED), all),
                new AclBinding(new ResourcePattern(ResourceType.GROUP, "flux-billing", PatternType.PREFIXED), all),
                new AclBinding(new ResourcePattern(ResourceType.TRANSACTIONAL_ID, "flux-billing", PatternType.PREFIXED), all));
    }

    @AfterEach
    void stopChildren() throws InterruptedException {
        for (Process process : processes) {
            process.destroyForcibly().waitFor();
        }
    }

    @Test
    void runConnectsWithScramCredentialsFromTheEnvironmentAndPricesRequests() throws Exception {
        Path log = tmp.resolve("run.log");
        Process pipeline = startRun(log.toFile());
        Serdes serdes = new Serdes(WireFormat.SINGLE_OBJECT);
        try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
            Seed.catalog(producer, serdes);
            RequestFactory factory = new RequestFactory(17, TokenSource.builtIn(new Random(17)), 5, "scram");
            // Priced once the pipeline has validated the catalog, so send a batch at a time until one is priced.
            AtomicInteger sent = new AtomicInteger();
            await("a request priced; see " + log).atMost(TIMEOUT).pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        assertThat(pipeline.isAlive()).as("run exited; see " + log).isTrue();
                        for (int i = 0; i < REQUESTS; i++) {
                            send(producer, serdes, factory.next(Instant.now()));
                        }
                        sent.addAndGet(REQUESTS);
                        producer.flush();
                        return !kafka.committed(Topics.PRICED).isEmpty();
                    });
            // The catalog is in place now: every request of one more batch must be priced.
            Set<String> lastBatch = new HashSet<>();
            for (int i = 0; i < REQUESTS; i++) {
                RoutedRequest request = factory.next(Instant.now());
                lastBatch.add(request.getRequestId());
                send(producer, serdes, request);
            }
            // Last on every partition, a sentinel request: once both are priced, everything before is processed.
            for (int partition = 0; partition < PARTITIONS; partition++) {
                RoutedRequest sentinel = RoutedRequest.newBuilder(factory.next(Instant.now()))
                        .setAccountId(Sentinels.account(partition, PARTITIONS)).setRequestId("sentinel-" + partition).build();
                lastBatch.add(sentinel.getRequestId());
                send(producer, serdes, sentinel);
            }
            producer.flush();
            kafka.awaitCommitted(Topics.PRICED, records -> pricedIds(records, serdes).containsAll(
                    List.of("sentinel-0", "sentinel-1")), TIMEOUT);
            List<String> pricedIds = pricedIds(kafka.committed(Topics.PRICED), serdes);
            assertThat(pricedIds).as("see " + log).containsAll(lastBatch).doesNotHaveDuplicates();
            // Those sent before the pipeline had the catalog are rejected rather than lost: all are accounted for.
            int rejected = kafka.committed(Topics.REJECTED).size();
            assertThat(pricedIds.size() + rejected).isEqualTo(sent.get() + lastBatch.size());
        }
        assertThat(Files.readString(tmp.resolve("run.log"))).contains("flux-billing running");
    }

    @Test
    void aWrongPasswordIsRefusedSoTheCredentialsAreReallyChecked() {
        Map<String, Object> wrong = Map.of(
                "bootstrap.servers", kafka.bootstrapServers(),
                "security.protocol", "SASL_PLAINTEXT",
                "sasl.mechanism", "SCRAM-SHA-256",
                "sasl.jaas.config", jaas(USER, "not-the-password"));
        try (Admin admin = Admin.create(wrong)) {
            assertThatThrownBy(() -> admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(SaslAuthenticationException.class);
        }
    }

    private Process startRun(File log) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                FluxBilling.class.getName(), "run");
        Map<String, String> env = builder.environment();
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT");
        env.put("KAFKA_SASL_MECHANISM", "SCRAM-SHA-256");
        env.put("KAFKA_SASL_JAAS_CONFIG", jaas(USER, PASSWORD));
        env.put("KAFKA_APPLICATION_ID", APPLICATION_ID);
        env.put("KAFKA_STATE_DIR", tmp.resolve("state").toString());
        env.put("KAFKA_COMMIT_INTERVAL_MS", "100");
        env.put("FLUX_HTTP_PORT", "0");
        builder.redirectErrorStream(true).redirectOutput(log);
        Process process = builder.start();
        processes.add(process);
        return process;
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, Serdes serdes, RoutedRequest request) {
        producer.send(new ProducerRecord<>(Topics.ROUTED, serdes.string().serializer().serialize(Topics.ROUTED,
                request.getAccountId()), serdes.avro(RoutedRequest.class).serializer().serialize(Topics.ROUTED, request)));
    }

    private static List<String> pricedIds(List<ConsumerRecord<byte[], byte[]>> records, Serdes serdes) {
        return records.stream().map(record -> serdes.avro(PricedRequest.class).deserializer()
                .deserialize(Topics.PRICED, record.value()).getRequestId()).toList();
    }

    private static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";";
    }
}
