package com.fluxrouter.billing.cli;

import com.fluxrouter.billing.local.TopicSetup;
import com.fluxrouter.billing.topology.StreamsSettings;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.HashMap;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "topics", mixinStandardHelpOptions = true, version = FluxBilling.VERSION,
        header = "Creates the pipeline's missing topics and checks the existing ones.",
        description = {
        "Creates the pipeline's topics that are missing, with their configs, and checks the ones that exist.",
        "The pipeline's own catalog topics are named after application.id (default flux-billing).",
        "Exits 1 when an existing topic differs from what the pipeline needs."})
final class TopicsCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

    @Option(names = "--partitions", defaultValue = "6", description = "Partitions of the request-keyed topics (default ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--replication", defaultValue = "3", description = "Replication factor (default ${DEFAULT-VALUE}).")
    short replication;

    @Override
    public Integer call() throws Exception {
        String applicationId = cluster.settings().getOrDefault(StreamsConfig.APPLICATION_ID_CONFIG,
                StreamsSettings.DEFAULT_APPLICATION_ID);
        try (Admin admin = Admin.create(new HashMap<String, Object>(cluster.clientSettings()))) {
            List<String> created = TopicSetup.ensure(admin, applicationId, partitions, replication);
            created.forEach(topic -> System.out.println("created " + topic));
            List<String> problems = TopicSetup.check(admin, applicationId, partitions);
            problems.forEach(problem -> System.out.println("MISMATCH " + problem));
            TopicSetup.routedTimestampWarning(admin).ifPresent(warning -> System.out.println("WARNING " + warning));
            System.out.println(problems.isEmpty() ? "all topics as the pipeline needs them" : problems.size() + " mismatches");
            return problems.isEmpty() ? 0 : 1;
        }
    }
}
