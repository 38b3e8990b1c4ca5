package com.fluxrouter.billing.serde;

import org.apache.avro.Schema;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The registering path: puts the pipeline's schemas into the registry under their subjects with compatibility
 * BACKWARD, so that every later version must read what earlier ones wrote; or, when the pipeline may not register,
 * checks that they are there. Used by the pipeline's start, by serializers that auto-register and by
 * {@code bin/flux-billing schemas}.
 */
public final class SchemaRegistration {
    public static final String COMPATIBILITY = "BACKWARD";

    private SchemaRegistration() {
    }

    /**
     * Registers {@code schema} under {@code subject} and returns its id. A subject under no compatibility level (none
     * set, or NONE) gets BACKWARD first, so the registry checks this and every later version; a level the operator
     * chose (FULL, BACKWARD_TRANSITIVE, ...) is kept. The registry refuses an incompatible schema.
     */
    public static int register(SchemaRegistryClient registry, String subject, Schema schema) {
        String level = registry.compatibility(subject).orElse("NONE");
        if (level.equals("NONE")) {
            registry.setCompatibility(subject, COMPATIBILITY);
        }
        return registry.register(subject, schema);
    }

    /** Registers every subject's schema; returns the ids by subject. */
    public static Map<String, Integer> registerAll(SchemaRegistryClient registry, Map<String, Schema> subjects) {
        Map<String, Integer> ids = new LinkedHashMap<>();
        subjects.forEach((subject, schema) -> ids.put(subject, register(registry, subject, schema)));
        return ids;
    }

    /**
     * Fails, naming each one, unless every subject already holds its schema: the check of a pipeline that must not
     * register (auto-registration off), made at start rather than at the first record.
     */
    public static void verifyAll(SchemaRegistryClient registry, Map<String, Schema> subjects) {
        List<String> missing = new ArrayList<>();
        subjects.forEach((subject, schema) -> {
            if (registry.idOf(subject, schema).isEmpty()) {
                missing.add(subject + " (" + schema.getFullName() + ")");
            }
        });
        if (!missing.isEmpty()) {
            throw new IllegalStateException("the schema registry at " + registry.baseUrl()
                    + " does not hold the current schema under " + String.join(", ", missing)
                    + "; flux.schema-registry.auto-register is false, so register them first with"
                    + " `bin/flux-billing schemas` (or allow auto-registration)");
        }
    }
}
