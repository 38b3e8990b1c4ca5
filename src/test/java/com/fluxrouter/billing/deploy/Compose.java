package com.fluxrouter.billing.deploy;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** deploy/compose/compose.yaml. */
final class Compose {
    private Compose() {
    }

    static JsonNode file() {
        List<Manifests.Document> documents = Manifests.read(Manifests.DEPLOY.resolve("compose/compose.yaml"));
        return documents.get(0).node();
    }

    /** The variables of the services that run the pipeline's image (the broker's are the broker image's own). */
    static Set<String> pipelineVariables() {
        Set<String> names = new TreeSet<>();
        JsonNode services = file().path("services");
        services.fieldNames().forEachRemaining(service -> {
            JsonNode node = services.path(service);
            if (node.path("image").asText().startsWith("flux-billing")) {
                node.path("environment").fieldNames().forEachRemaining(names::add);
            }
        });
        return names;
    }
}
