package com.fluxrouter.billing.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fluxrouter.billing.api.ApiAccess;
import com.fluxrouter.billing.api.ApiServer;
import com.fluxrouter.billing.api.Backend;
import com.fluxrouter.billing.api.StatusRoute;
import com.fluxrouter.billing.local.Service;
import com.fluxrouter.billing.schema.SpendStatus;
import com.fluxrouter.billing.schema.state.MonthLedger;
import com.fluxrouter.billing.topology.TopicSpecs;
import com.fluxrouter.billing.topology.Topics;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.strimzi.api.kafka.model.user.acl.AclOperation;
import io.strimzi.api.kafka.model.user.acl.AclResourcePatternType;
import io.strimzi.api.kafka.model.user.acl.AclRule;
import io.strimzi.api.kafka.model.user.acl.AclRuleGroupResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTopicResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTransactionalIdResource;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple;
import io.strimzi.api.kafka.model.user.KafkaUserScramSha512ClientAuthentication;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** deploy/ is checked like CI would check code: schema, consistency with the code, and the settings it passes. */
class DeployManifestsTest {
    private static final int MANIFEST_PARTITIONS = 12;
    private static final Set<String> PROBE_ENDPOINTS = Set.of("/health", "/ready");

    @Test
    void everyManifestIsAKnownKubernetesOrStrimziObjectWithoutUnknownFields() throws IOException {
        List<Manifests.Document> documents = Manifests.kubernetes();
        assertThat(documents).extracting(Manifests.Document::kind)
                .contains("StatefulSet", "Service", "ConfigMap", "Secret", "PodDisruptionBudget", "Job", "KafkaTopic", "KafkaUser");
        for (Manifests.Document document : documents) {
            assertThat(Manifests.typed(document)).as(document.toString()).isNotNull();
            assertThat(document.name()).as(document + " has a name").isNotBlank();
        }
    }

    @Test
    void aMisspeltFieldOrAWrongTypeFailsTheCheck() throws IOException {
        Path file = Manifests.KUBERNETES.resolve("base/statefulset.yaml");
        String text = Files.readString(file);
        assertThat(text).contains("  replicas: 3", "containerPort: 8080", "periodSeconds: 5");
        assertThatThrownBy(() -> Manifests.typed(Manifests.parse(file, text.replace("  replicas: 3", "  replcas: 3")).get(0)))
                .isInstanceOf(UnrecognizedPropertyException.class).hasMessageContaining("replcas");
        assertThatThrownBy(() -> Manifests.typed(Manifests.parse(file, text.replace("containerPort: 8080", "containerPrt: 8080")).get(0)))
                .isInstanceOf(UnrecognizedPropertyException.class).hasMessageContaining("containerPrt");
        assertThatThrownBy(() -> Manifests.typed(Manifests.parse(file, text.replace("periodSeconds: 5", "periodSeconds: often")).get(0)))
                .isInstanceOf(InvalidFormatException.class);

        Path topics = Manifests.KUBERNETES.resolve("strimzi/kafkatopics.yaml");
        String topicText = Files.readString(topics).replaceFirst("  partitions: ", "  partitons: ");
        assertThatThrownBy(() -> Manifests.typed(Manifests.parse(topics, topicText).get(0)))
                .isInstanceOf(UnrecognizedPropertyException.class).hasMessageContaining("partitons");
        assertThatThrownBy(() -> Manifests.typed(Manifests.parse(file, "apiVersion: apps/v1\nkind: StatefullSet\n").get(0)))
                .hasMessageContaining("no model");
        Path user = Manifests.KUBERNETES.resolve("strimzi/kafkauser.yaml");
        String userText = Files.readString(user);
        assertThat(userText).contains("operations: [All]");
        assertThatThrownBy(() -> Manifests.typed(Manifests.parse(user, userText.replace("operations: [All]", "operations: [Everything]")).get(0)))
                .hasMessageContaining("Everything");
    }

    @Test
    void kafkaTopicsAreTheTopicSpecsWithTheirPartitionsAndConfigs() throws IOException {
        Map<String, KafkaTopic> topics = Manifests.all(KafkaTopic.class).stream()
                .collect(Collectors.toMap(topic -> topic.getMetadata().getName(), topic -> topic));
        // The pipeline's own catalog topics are named after the application id the pods run with.
        String applicationId = Manifests.one(ConfigMap.class, "flux-billing").getData().get("KAFKA_APPLICATION_ID");
        List<NewTopic> specs = TopicSpecs.all(applicationId, MANIFEST_PARTITIONS, (short) 3);
        assertThat(topics.keySet()).containsExactlyInAnyOrderElementsOf(specs.stream().map(NewTopic::name).toList());
        for (NewTopic spec : specs) {
            KafkaTopic topic = topics.get(spec.name());
            assertThat(topic.getSpec().getTopicName()).as(spec.name()).isNull();
            assertThat(topic.getSpec().getPartitions()).as(spec.name()).isEqualTo(spec.numPartitions());
            assertThat(topic.getSpec().getReplicas()).as(spec.name()).isEqualTo((int) spec.replicationFactor());
            Map<String, String> configs = new HashMap<>();
            topic.getSpec().getConfig().forEach((key, value) -> configs.put(key, String.valueOf(value)));
            assertThat(configs).as(spec.name()).containsAllEntriesOf(spec.configs());
            assertThat(topic.getMetadata().getLabels()).as(spec.name()).containsKey("strimzi.io/cluster");
        }
        assertThat(topics.get(Topics.ROUTED).getSpec().getConfig()).containsEntry("message.timestamp.type", "LogAppendTime");
    }

    @Test
    void thePipelinesKafkaUserMayUseItsGroupTransactionsAndTopics() throws IOException {
        KafkaUser user = Manifests.one(KafkaUser.class, "flux-billing-kafka");
        assertThat(user.getSpec().getAuthentication()).isInstanceOf(KafkaUserScramSha512ClientAuthentication.class);
        Map<String, String> prefixes = new HashMap<>();
        for (AclRule rule : ((KafkaUserAuthorizationSimple) user.getSpec().getAuthorization()).getAcls()) {
            AclRuleResource resource = rule.getResource();
            String type = resource.getType();
            AclResourcePatternType pattern;
            String name;
            if (resource instanceof AclRuleTopicResource topic) {
                name = topic.getName();
                pattern = topic.getPatternType();
            } else if (resource instanceof AclRuleGroupResource group) {
                name = group.getName();
                pattern = group.getPatternType();
            } else {
                name = ((AclRuleTransactionalIdResource) resource).getName();
                pattern = ((AclRuleTransactionalIdResource) resource).getPatternType();
            }
            assertThat(pattern).as(type).isEqualTo(AclResourcePatternType.PREFIX);
            prefixes.put(type, name);
            assertThat(rule.getOperations()).containsExactly(AclOperation.ALL);
        }
        String applicationId = Manifests.one(ConfigMap.class, "flux-billing").getData().get("KAFKA_APPLICATION_ID");
        assertThat(applicationId).startsWith(prefixes.get("group")).startsWith(prefixes.get("transactionalId"))
                .startsWith(prefixes.get("topic"));
        for (NewTopic topic : TopicSpecs.all(applicationId, 1, (short) 1)) {
            assertThat(topic.name()).startsWith(prefixes.get("topic"));
        }
        // The secret the User Operator writes is the one the pods read.
        assertThat(user.getMetadata().getName()).isEqualTo(Manifests.one(Secret.class, "flux-billing-kafka").getMetadata().getName());
    }

    @Test
    void theRouterFleetsKafkaUserWritesRequestsAndReadsTheSpendStatusOnly() throws IOException {
        KafkaUser fleet = Manifests.one(KafkaUser.class, "flux-router-fleet");
        assertThat(fleet.getSpec().getAuthentication()).isInstanceOf(KafkaUserScramSha512ClientAuthentication.class);
        Map<String, Set<AclOperation>> topics = new HashMap<>();
        for (AclRule rule : ((KafkaUserAuthorizationSimple) fleet.getSpec().getAuthorization()).getAcls()) {
            if (rule.getResource() instanceof AclRuleTopicResource topic) {
                assertThat(topic.getPatternType()).as(topic.getName()).isEqualTo(AclResourcePatternType.LITERAL);
                topics.put(topic.getName(), Set.copyOf(rule.getOperations()));
            } else {
                assertThat(rule.getResource()).isInstanceOf(AclRuleGroupResource.class);
                assertThat(rule.getOperations()).containsExactly(AclOperation.READ);
            }
        }
        assertThat(topics).isEqualTo(Map.of(
                Topics.ROUTED, Set.of(AclOperation.WRITE, AclOperation.DESCRIBE),
                Topics.SPEND_STATUS, Set.of(AclOperation.READ, AclOperation.DESCRIBE)));
    }

    @Test
    void thePlainTopicsJobCreatesTheSamePartitionCount() throws IOException {
        Job job = Manifests.one(Job.class, "flux-billing-topics");
        List<String> args = job.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs();
        assertThat(args).startsWith("topics");
        assertThat(args.get(args.indexOf("--partitions") + 1)).isEqualTo(Integer.toString(MANIFEST_PARTITIONS));
    }

    @Test
    void probesPointAtEndpointsTheApiServesOnTheConfiguredPort() throws Exception {
        StatefulSet set = Manifests.one(StatefulSet.class, "flux-billing");
        Container container = set.getSpec().getTemplate().getSpec().getContainers().get(0);
        ContainerPort http = container.getPorts().stream().filter(port -> "http".equals(port.getName())).findFirst().orElseThrow();
        String configuredPort = settingsOf(container).get(Service.HTTP_PORT);
        assertThat(http.getContainerPort()).isEqualTo(Integer.parseInt(configuredPort));

        Map<String, HTTPGetAction> probes = Map.of(
                "liveness", container.getLivenessProbe().getHttpGet(),
                "readiness", container.getReadinessProbe().getHttpGet(),
                "startup", container.getStartupProbe().getHttpGet());
        assertThat(probes.get("liveness").getPath()).isEqualTo("/health");
        assertThat(probes.get("readiness").getPath()).isEqualTo("/ready");
        try (ApiServer api = ApiServer.start("127.0.0.1", 0, ApiAccess.open(), new HealthyBackend())) {
            for (Map.Entry<String, HTTPGetAction> probe : probes.entrySet()) {
                assertThat(probe.getValue().getPort().getStrVal()).as(probe.getKey()).isEqualTo("http");
                assertThat(PROBE_ENDPOINTS).contains(probe.getValue().getPath());
                HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + api.port() + probe.getValue().getPath())).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).as(probe.getKey() + " " + probe.getValue().getPath()).isEqualTo(200);
            }
        }
    }

    @Test
    void theStatefulSetKeepsStateOnVolumesWithStandbysAndClosesCleanly() throws IOException {
        StatefulSet set = Manifests.one(StatefulSet.class, "flux-billing");
        PodSpec pod = set.getSpec().getTemplate().getSpec();
        Container container = pod.getContainers().get(0);
        Map<String, String> settings = settingsOf(container);

        assertThat(Integer.parseInt(settings.get("num.standby.replicas"))).isGreaterThanOrEqualTo(1);
        String stateDir = Dockerfile.env().get("KAFKA_STATE_DIR");
        assertThat(settings.getOrDefault("state.dir", stateDir)).isEqualTo(stateDir);
        String claim = set.getSpec().getVolumeClaimTemplates().get(0).getMetadata().getName();
        assertThat(container.getVolumeMounts()).extracting(VolumeMount::getName, VolumeMount::getMountPath)
                .contains(org.assertj.core.groups.Tuple.tuple(claim, stateDir));
        // Longer than Pipeline.close's 30 s, so a clean close is not cut short.
        assertThat(pod.getTerminationGracePeriodSeconds()).isGreaterThan(30L);
        assertThat(pod.getEnableServiceLinks()).as("service links would inject KAFKA_*/FLUX_* variables").isFalse();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(container.getResources().getLimits()).containsKey("memory");

        // Every pod advertises its stable DNS name under the headless service, which lists pods not ready yet.
        io.fabric8.kubernetes.api.model.Service headless = Manifests.one(io.fabric8.kubernetes.api.model.Service.class,
                set.getSpec().getServiceName());
        assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
        assertThat(headless.getSpec().getPublishNotReadyAddresses()).isTrue();
        assertThat(headless.getSpec().getSelector()).isEqualTo(set.getSpec().getSelector().getMatchLabels());
        assertThat(env(container).get("FLUX_HTTP_ADVERTISED__HOST")).isEqualTo("$(POD_NAME)." + headless.getMetadata().getName() + ".$(POD_NAMESPACE).svc");
        assertThat(set.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(set.getSpec().getSelector().getMatchLabels());

        PodDisruptionBudget budget = Manifests.one(PodDisruptionBudget.class, "flux-billing");
        assertThat(budget.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
        assertThat(budget.getSpec().getSelector().getMatchLabels()).isEqualTo(set.getSpec().getSelector().getMatchLabels());
    }

    @Test
    void everySecretAndConfigMapAPodReadsIsProvidedWithTheKeyItReads() throws IOException {
        Map<String, Set<String>> provided = new HashMap<>();
        for (Secret secret : Manifests.all(Secret.class)) {
            provided.put("secret/" + secret.getMetadata().getName(), secret.getStringData().keySet());
        }
        for (ConfigMap map : Manifests.all(ConfigMap.class)) {
            provided.put("configmap/" + map.getMetadata().getName(), map.getData().keySet());
        }
        for (PodSpec pod : pods()) {
            for (Container container : pod.getContainers()) {
                container.getEnvFrom().forEach(from -> assertThat(provided).containsKey("configmap/" + from.getConfigMapRef().getName()));
                for (EnvVar variable : container.getEnv()) {
                    if (variable.getValueFrom() != null && variable.getValueFrom().getSecretKeyRef() != null) {
                        var ref = variable.getValueFrom().getSecretKeyRef();
                        assertThat(provided.get("secret/" + ref.getName())).as(variable.getName()).contains(ref.getKey());
                    }
                }
            }
            pod.getVolumes().stream().filter(volume -> volume.getSecret() != null)
                    .forEach(volume -> assertThat(provided).containsKey("secret/" + volume.getSecret().getSecretName()));
        }
    }

    @Test
    void everyKafkaAndFluxVariableIsARealSetting() throws IOException {
        Set<String> variables = new TreeSet<>();
        for (PodSpec pod : pods()) {
            for (Container container : pod.getContainers()) {
                variables.addAll(env(container).keySet());
            }
        }
        for (ConfigMap map : Manifests.all(ConfigMap.class)) {
            variables.addAll(map.getData().keySet());
        }
        variables.addAll(Dockerfile.env().keySet());
        variables.addAll(Compose.pipelineVariables());
        assertThat(variables).contains("KAFKA_SASL_JAAS_CONFIG", "KAFKA_SECURITY_PROTOCOL", "KAFKA_SSL_TRUSTSTORE_LOCATION",
                "FLUX_HTTP_TOKEN", "FLUX_SERDE_FORMAT", "FLUX_SCHEMA__REGISTRY_URL");
        for (String variable : variables) {
            if (variable.startsWith("KAFKA_") || variable.startsWith("FLUX_")) {
                assertThat(KnownSettings.isKnown(variable)).as(variable + " -> " + KnownSettings.key(variable)).isTrue();
            }
        }
        assertThat(KnownSettings.isKnown("KAFKA_NUM_STANDBY_REPLICA")).isFalse();
        assertThat(KnownSettings.isKnown("FLUX_HTTP_ADVERTISED_HOST")).as("a single underscore is a dot").isFalse();
    }

    @Test
    void kustomizationsListFilesThatExist() throws IOException {
        for (Path file : Manifests.yamlFiles(Manifests.KUBERNETES)) {
            if (!file.getFileName().toString().equals("kustomization.yaml")) {
                continue;
            }
            JsonNode kustomization = Manifests.read(file).get(0).node();
            assertThat(kustomization.path("kind").asText()).isEqualTo("Kustomization");
            Set<String> fields = new TreeSet<>();
            kustomization.fieldNames().forEachRemaining(fields::add);
            assertThat(Set.of("apiVersion", "kind", "resources", "labels", "images", "namespace")).as(file.toString()).containsAll(fields);
            for (JsonNode resource : kustomization.path("resources")) {
                assertThat(file.resolveSibling(resource.asText())).as(file + " lists " + resource.asText()).exists();
            }
        }
    }

    @Test
    void everyManifestRunningThePipelinesImageGetsItThroughTheSameKustomizeOverride() throws IOException {
        JsonNode baseImages = null;
        Set<Path> overridden = new java.util.HashSet<>();
        for (Path file : Manifests.yamlFiles(Manifests.KUBERNETES)) {
            if (!file.getFileName().toString().equals("kustomization.yaml")) {
                continue;
            }
            JsonNode kustomization = Manifests.read(file).get(0).node();
            List<String> pipelineImages = new java.util.ArrayList<>();
            for (JsonNode resource : kustomization.path("resources")) {
                for (Manifests.Document document : Manifests.read(file.resolveSibling(resource.asText()))) {
                    document.node().findValues("image").stream().map(JsonNode::asText)
                            .filter(image -> image.startsWith("flux-billing")).forEach(pipelineImages::add);
                }
            }
            if (pipelineImages.isEmpty()) {
                continue;
            }
            // A tagged image (flux-billing:0.1.0) would not be rewritten by an overlay's `images:` for flux-billing.
            assertThat(pipelineImages).as(file.toString()).containsOnly("flux-billing");
            assertThat(kustomization.path("images")).as(file + " overrides the image").isNotEmpty();
            if (baseImages == null) {
                baseImages = kustomization.path("images");
            }
            assertThat(kustomization.path("images")).as(file.toString()).isEqualTo(baseImages);
            for (JsonNode resource : kustomization.path("resources")) {
                overridden.add(file.resolveSibling(resource.asText()).normalize());
            }
        }
        assertThat(baseImages).isNotNull();
        for (Path file : Manifests.yamlFiles(Manifests.KUBERNETES)) {
            boolean runsThePipeline = Manifests.read(file).stream().anyMatch(document -> document.node()
                    .findValues("image").stream().anyMatch(image -> image.asText().startsWith("flux-billing")));
            if (runsThePipeline) {
                assertThat(overridden).as(file + " is in a kustomization that overrides the image")
                        .contains(file.normalize());
            }
        }
    }

    @Test
    void theImageRunsAsANumericNonRootUserWithTheStateDirectoryAsAVolume() throws IOException {
        assertThat(Dockerfile.lastValue("USER")).matches("[1-9][0-9]*(:[1-9][0-9]*)?");
        assertThat(Dockerfile.lastValue("FROM")).startsWith("eclipse-temurin:17-jre");
        assertThat(Dockerfile.lastValue("VOLUME")).contains(Dockerfile.env().get("KAFKA_STATE_DIR"));
        assertThat(Dockerfile.lastValue("ENTRYPOINT")).contains("\"java\"", "\"-jar\"", "flux-billing.jar");
        assertThat(Dockerfile.lastValue("CMD")).isEqualTo("[\"run\"]");
        assertThat(Dockerfile.env()).containsEntry("FLUX_LOG_FORMAT", "json");
    }

    @Test
    void theComposeFileRunsKraftKafkaARegistryTheTopicsAndThePipeline() throws IOException {
        JsonNode services = Compose.file().path("services");
        assertThat(services.has("kafka") && services.has("registry") && services.has("topics") && services.has("billing")).isTrue();
        JsonNode kafka = services.path("kafka").path("environment");
        assertThat(kafka.path("KAFKA_PROCESS_ROLES").asText()).isEqualTo("broker,controller");
        assertThat(services.path("registry").path("image").asText()).isEqualTo("apicurio/apicurio-registry-mem:2.4.2.Final");
        assertThat(services.path("topics").path("command").get(0).asText()).isEqualTo("topics");
        JsonNode billing = services.path("billing");
        JsonNode environment = billing.path("environment");
        assertThat(environment.path("KAFKA_BOOTSTRAP_SERVERS").asText()).startsWith("kafka:");
        assertThat(environment.path("FLUX_SERDE_FORMAT").asText()).isEqualTo("registry");
        assertThat(environment.path("FLUX_SCHEMA__REGISTRY_URL").asText()).startsWith("http://registry:8080/");
        assertThat(environment.path("FLUX_HTTP_ADVERTISED__HOST").asText()).isEqualTo("billing");
        assertThat(environment.path("FLUX_HTTP_TOKEN").asText()).isNotBlank();
        assertThat(billing.path("depends_on").path("topics").path("condition").asText()).isEqualTo("service_completed_successfully");
        // The pipeline registers its schemas at start: it must wait until the registry serves, not merely started.
        assertThat(services.path("registry").path("healthcheck").path("test").toString()).contains("/health/ready");
        assertThat(billing.path("depends_on").path("registry").path("condition").asText()).isEqualTo("service_healthy");
        assertThat(billing.path("volumes").get(0).asText()).endsWith(":" + Dockerfile.env().get("KAFKA_STATE_DIR"));
    }

    private static List<PodSpec> pods() throws IOException {
        List<PodSpec> pods = new java.util.ArrayList<>();
        Manifests.all(StatefulSet.class).forEach(set -> pods.add(set.getSpec().getTemplate().getSpec()));
        Manifests.all(Job.class).forEach(job -> pods.add(job.getSpec().getTemplate().getSpec()));
        return pods;
    }

    private static Map<String, String> env(Container container) {
        Map<String, String> env = new HashMap<>();
        container.getEnv().forEach(variable -> env.put(variable.getName(), variable.getValue()));
        return env;
    }

    /** The settings a container gets: its ConfigMaps' variables and its own, through config/Settings. */
    private static Map<String, String> settingsOf(Container container) throws IOException {
        Map<String, String> variables = new HashMap<>();
        for (var from : container.getEnvFrom()) {
            variables.putAll(Manifests.one(ConfigMap.class, from.getConfigMapRef().getName()).getData());
        }
        env(container).forEach((name, value) -> variables.put(name, value == null ? "(from a secret)" : value));
        return com.fluxrouter.billing.config.Settings.load(null, variables);
    }

    /** A pipeline that is up and caught up. */
    private static final class HealthyBackend implements Backend {
        @Override
        public boolean alive() {
            return true;
        }

        @Override
        public boolean ready() {
            return true;
        }

        @Override
        public Owner ownerOf(String account) {
            return new Here();
        }

        @Override
        public MonthLedger ledger(String account, String month) {
            return null;
        }

        @Override
        public ZoneId zoneOf(String account) {
            return ZoneOffset.UTC;
        }

        @Override
        public StatusRoute statusRoute(String account) {
            return new StatusRoute(0, List.of(new StatusRoute.Here()));
        }

        @Override
        public SpendStatus status(String account, int partition) {
            return null;
        }

        @Override
        public String metrics() {
            return "";
        }
    }
}
