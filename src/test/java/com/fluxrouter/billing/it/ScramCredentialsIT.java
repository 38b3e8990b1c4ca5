package com.fluxrouter.billing.it;

import com.fluxrouter.billing.cli.FluxBilling;
import com.fluxrouter.billing.local.Seed;
import com.fluxrouter.billing.local.TopicSetup;
import com.fluxrouter.billing.schema.PricedRequest;
import com.fluxrouter.billing.schema.RoutedRequest;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.serde.WireFormat;
import com.fluxrouter.billing.topology.Topics;
import com.fluxrouter.billing.traffic.RequestFactory;
import com.fluxrouter.billing.traffic.TokenSource;
import org.apache.kafka.clients.admin.Admin;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * `run` on a cluster that requires SASL/SCRAM and enforces ACLs, with its credentials from the environment exactly as
 * the Kubernetes manifests pass them (KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_MECHANISM, KAFKA_SASL_JAAS_CONFIG), and
 * with only the ACLs deploy/README.md lists for the pipeline's user.
 */
class ScramCredentialsIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final String USER = "flux-billing-it";
    private static final String PASSWORD = "scram-secret-42";
    private static final String APPLICATION_ID = "flux-billing-it-scram";
    private static final int REQUESTS = 50;
    private static String previousJaasProperty;
    private static EmbeddedKafka kafka;

    @TempDir
    static Path tmp;

    private final List<Process> processes = new ArrayList<>();

    @BeforeAll
    static void startBroker() throws Exception {
        previousJaasProperty = System.getProperty("java.security.auth.login.config");
        kafka = EmbeddedKafka.startWithScram();
        try (Admin admin = Admin.create(kafka.clientSettings(Map.of()))) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(USER,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 4096), PASSWORD))).all().get(30, TimeUnit.SECONDS);
            admin.createAcls(pipelineAcls()).all().get(30, TimeUnit.SECONDS);
            TopicSetup.ensure(admin, 2, (short) 1);
        }
    }

    /** What the pipeline's user needs: its topics, its consumer group and its transactions, all by prefix. */
    private static List<AclBinding> pipelineAcls() {
        AccessControlEntry all = new AccessControlEntry("User:" + USER, "*", AclOperation.ALL, AclPermissionType.ALLOW);
        return List.of(
                new AclBinding(new ResourcePattern(ResourceType.TOPIC, "flux", PatternType.PREFIXED), all),
                new AclBinding(new ResourcePattern(ResourceType.GROUP, "flux-billing", PatternType.PREFIXED), all),
                new AclBinding(new ResourcePattern(ResourceType.TRANSACTIONAL_ID, "flux-billing", PatternType.PREFIXED), all));
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
        // The test kit points the JVM-wide JAAS configuration at its file; leave the JVM as it was.
        if (previousJaasProperty == null) {
            System.clearProperty("java.security.auth.login.config");
        } else {
            System.setProperty("java.security.auth.login.config", previousJaasProperty);
        }
    }

    @AfterEach
    void stopChildren() throws InterruptedException {
        for (Process process : processes) {
            process.destroyForcibly().waitFor();
        }
    }

    @Test
    void runConnectsWithScramCredentialsFromTheEnvironmentAndPricesRequests() throws Exception {
        Process pipeline = startRun(tmp.resolve("run.log").toFile());
        Serdes serdes = new Serdes(WireFormat.SINGLE_OBJECT);
        try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
            Seed.catalog(producer, serdes);
            RequestFactory factory = new RequestFactory(17, TokenSource.builtIn(new Random(17)), 5, "scram");
            // Priced once the pipeline has validated the catalog, so send until priced records appear.
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            int sent = 0;
            while (kafka.readCommitted(Topics.PRICED, 1, Duration.ofMillis(500)).isEmpty()) {
                assertThat(pipeline.isAlive()).as("run exited; see " + tmp.resolve("run.log")).isTrue();
                assertThat(System.nanoTime()).as("nothing priced; see " + tmp.resolve("run.log")).isLessThan(deadline);
                for (int i = 0; i < REQUESTS; i++, sent++) {
                    RoutedRequest request = factory.next(Instant.now());
                    producer.send(new ProducerRecord<>(Topics.ROUTED,
                            serdes.string().serializer().serialize(Topics.ROUTED, request.getAccountId()),
                            serdes.avro(RoutedRequest.class).serializer().serialize(Topics.ROUTED, request)));
                }
                producer.flush();
            }
            // The catalog is in place now: every request of one more batch must be priced.
            Set<String> lastBatch = new HashSet<>();
            for (int i = 0; i < REQUESTS; i++, sent++) {
                RoutedRequest request = factory.next(Instant.now());
                lastBatch.add(request.getRequestId().toString());
                producer.send(new ProducerRecord<>(Topics.ROUTED,
                        serdes.string().serializer().serialize(Topics.ROUTED, request.getAccountId()),
                        serdes.avro(RoutedRequest.class).serializer().serialize(Topics.ROUTED, request)));
            }
            producer.flush();
            Set<String> pricedIds = new HashSet<>();
            long pricedBy = System.nanoTime() + TIMEOUT.toNanos();
            while (!pricedIds.containsAll(lastBatch) && System.nanoTime() < pricedBy) {
                pricedIds.clear();
                kafka.readCommitted(Topics.PRICED, sent, Duration.ofSeconds(1)).forEach(record -> pricedIds.add(
                        serdes.avro(PricedRequest.class).deserializer().deserialize(Topics.PRICED, record.value())
                                .getRequestId().toString()));
            }
            assertThat(pricedIds).as("see " + tmp.resolve("run.log")).containsAll(lastBatch);
            // Those sent before the pipeline had the catalog are rejected rather than lost: all are accounted for.
            int rejected = kafka.readCommitted(Topics.REJECTED, sent - pricedIds.size(), TIMEOUT).size();
            assertThat(pricedIds.size() + rejected).isEqualTo(sent);
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

    private static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";";
    }
}
