package com.fluxrouter.billing.deploy;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The YAML under deploy/, read strictly: each Kubernetes or Strimzi document into its typed object model (fabric8
 * kubernetes-model, Strimzi api) with every unknown field an error. The models keep unknown fields in an
 * "additional properties" map by default, which would let a typo through; here that catch-all is removed, so a
 * misspelt field or a value of the wrong type fails like it would on {@code kubectl apply --validate=strict}.
 */
final class Manifests {
    static final Path DEPLOY = Path.of("deploy");
    static final Path KUBERNETES = DEPLOY.resolve("kubernetes");

    /** The kinds deploy/ uses, by apiVersion and kind; any other kind is an error until it is added here. */
    private static final Map<String, Class<?>> MODELS = Map.of(
            "apps/v1 StatefulSet", StatefulSet.class,
            "v1 Service", Service.class,
            "v1 ConfigMap", ConfigMap.class,
            "v1 Secret", Secret.class,
            "policy/v1 PodDisruptionBudget", PodDisruptionBudget.class,
            "batch/v1 Job", Job.class,
            "kafka.strimzi.io/v1beta2 KafkaTopic", KafkaTopic.class,
            "kafka.strimzi.io/v1beta2 KafkaUser", KafkaUser.class);

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final ObjectMapper STRICT = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .registerModule(new SimpleModule().setDeserializerModifier(new BeanDeserializerModifier() {
                @Override
                public BeanDeserializerBuilder updateBuilder(DeserializationConfig config, BeanDescription description,
                                                             BeanDeserializerBuilder builder) {
                    builder.setAnySetter(null);
                    return builder;
                }
            }));

    /** One YAML document of a file. */
    record Document(Path file, JsonNode node) {
        String kind() {
            return node.path("kind").asText();
        }

        String name() {
            return node.path("metadata").path("name").asText();
        }

        @Override
        public String toString() {
            return file + " " + kind() + "/" + name();
        }
    }

    private Manifests() {
    }

    /** Every Kubernetes and Strimzi document under deploy/kubernetes (kustomization files apart). */
    static List<Document> kubernetes() {
        List<Document> documents = new ArrayList<>();
        for (Path file : yamlFiles(KUBERNETES)) {
            if (!file.getFileName().toString().equals("kustomization.yaml")) {
                documents.addAll(read(file));
            }
        }
        return documents;
    }

    static List<Path> yamlFiles(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(file -> file.toString().endsWith(".yaml") || file.toString().endsWith(".yml"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Document> read(Path file) {
        try {
            return parse(file, Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Document> parse(Path file, String text) throws IOException {
        List<Document> documents = new ArrayList<>();
        try (var parser = YAML.createParser(text)) {
            for (var iterator = YAML.readValues(parser, JsonNode.class); iterator.hasNext(); ) {
                JsonNode node = iterator.next();
                if (node != null && !node.isNull() && !node.isMissingNode()) {
                    documents.add(new Document(file, node));
                }
            }
        }
        return documents;
    }

    /** The document as its typed model; fails on an unknown kind, an unknown field or a value of the wrong type. */
    static Object typed(Document document) throws IOException {
        String type = document.node().path("apiVersion").asText() + " " + document.kind();
        Class<?> model = MODELS.get(type);
        if (model == null) {
            throw new IllegalArgumentException(document + ": no model for " + type);
        }
        Object typed = STRICT.treeToValue(document.node(), model);
        // Some models map a value they do not know to null instead of failing (Strimzi's ACL operations, for
        // one): everything written must come back out of the model unchanged.
        JsonNode read = STRICT.valueToTree(typed);
        // The apiVersion picked the model above; Strimzi's writes its newest version (v1) whatever it read.
        ((com.fasterxml.jackson.databind.node.ObjectNode) read).set("apiVersion", document.node().path("apiVersion"));
        keptIn(document.node(), read, document + " at ");
        return typed;
    }

    private static void keptIn(JsonNode written, JsonNode read, String path) {
        if (written.isObject()) {
            written.fields().forEachRemaining(field -> keptIn(field.getValue(), read.path(field.getKey()),
                    path + "/" + field.getKey()));
        } else if (written.isArray()) {
            if (!read.isArray() || read.size() != written.size()) {
                throw new IllegalArgumentException(path + ": " + written + " read as " + read);
            }
            for (int i = 0; i < written.size(); i++) {
                keptIn(written.get(i), read.get(i), path + "/" + i);
            }
        } else if (!written.isNull() && !written.asText().equals(read.asText())) {
            throw new IllegalArgumentException(path + ": " + written + " read as " + read);
        }
    }

    static <T> T one(Class<T> type, String name) throws IOException {
        for (Document document : kubernetes()) {
            Object typed = typed(document);
            if (type.isInstance(typed) && document.name().equals(name)) {
                return type.cast(typed);
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " " + name + " under " + KUBERNETES);
    }

    static <T> List<T> all(Class<T> type) throws IOException {
        List<T> found = new ArrayList<>();
        for (Document document : kubernetes()) {
            Object typed = typed(document);
            if (type.isInstance(typed)) {
                found.add(type.cast(typed));
            }
        }
        return found;
    }
}
