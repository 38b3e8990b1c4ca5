package com.fluxrouter.billing.cli;

import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.config.Settings;
import com.fluxrouter.billing.serde.SchemaRegistration;
import com.fluxrouter.billing.serde.SchemaRegistryClient;
import com.fluxrouter.billing.serde.Serdes;
import com.fluxrouter.billing.topology.TopicSchemas;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "schemas", mixinStandardHelpOptions = true, version = FluxBilling.VERSION,
        header = "Registers (or checks) every topic's schemas in the schema registry.",
        description = {
        "Registers every topic's key and value schemas in the schema registry (subjects <topic>-key and <topic>-value)",
        "with compatibility BACKWARD, for pipelines that run with flux.schema-registry.auto-register=false.",
        "With --check, only checks that they are registered; exits 1 when one is missing."})
final class SchemasCommand implements Callable<Integer> {
    @Option(names = "--config", description = "A properties file with the flux.schema-registry.* settings.")
    Path config;

    @Option(names = "--registry-url", description = "The registry's REST root (or flux.schema-registry.url), e.g. http://host:8081 or http://host:8080/apis/ccompat/v7 for Apicurio.")
    String registryUrl;

    @Option(names = "--check", description = "Check only; register nothing.")
    boolean check;

    @Override
    public Integer call() throws Exception {
        Map<String, String> settings = new HashMap<>(Settings.load(config, System.getenv()));
        if (registryUrl != null) {
            settings.put(BillingConfig.SCHEMA_REGISTRY_URL, registryUrl);
        }
        SchemaRegistryClient registry = Serdes.registryClient(BillingConfig.of(settings));
        if (check) {
            try {
                SchemaRegistration.verifyAll(registry, TopicSchemas.all());
            } catch (IllegalStateException missing) {
                System.out.println(missing.getMessage());
                return 1;
            }
            System.out.println("every subject holds its current schema at " + registry.baseUrl());
            return 0;
        }
        SchemaRegistration.registerAll(registry, TopicSchemas.all()).forEach((subject, id) ->
                System.out.println(subject + " id " + id + " (" + registry.compatibility(subject).orElse("?") + ")"));
        return 0;
    }
}
