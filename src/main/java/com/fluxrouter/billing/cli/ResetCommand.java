package com.fluxrouter.billing.cli;

import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.topology.BillingTopology;
import com.fluxrouter.billing.topology.StreamsSettings;
import com.fluxrouter.billing.topology.Topics;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.tools.StreamsResetter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;

@Command(name = "reset", mixinStandardHelpOptions = true, version = FluxBilling.VERSION,
        header = "Rewinds the inputs and wipes internal state, so the next run re-processes from scratch.",
        description = {
        "Resets the pipeline for re-processing: its input offsets go back to the beginning (or --to-datetime), its",
        "internal topics are deleted and its local state on this machine is wiped. Stop every instance first.",
        "Re-processing emits the outputs again: point consumers at it knowingly (e.g. a re-rating into new topics)."})
final class ResetCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

    @Option(names = "--to-datetime", description = "Reset the inputs to this instant (ISO-8601) instead of the beginning.")
    Instant toDatetime;

    @Override
    public Integer call() throws Exception {
        BillingConfig billing = BillingConfig.of(cluster.settings());
        Map<String, Object> streams = StreamsSettings.requireBootstrap(StreamsSettings.of(billing));
        List<String> args = new ArrayList<>(List.of(
                "--bootstrap-server", String.valueOf(streams.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG)),
                "--application-id", String.valueOf(streams.get(StreamsConfig.APPLICATION_ID_CONFIG)),
                "--input-topics", String.join(",", Topics.INPUTS),
                "--force"));
        if (toDatetime != null) {
            args.addAll(List.of("--to-datetime", toDatetime.toString().replace("Z", "")));
        } else {
            args.add("--to-earliest");
        }
        Properties clients = new Properties();
        clients.putAll(cluster.clientSettings());
        int status = new StreamsResetter().execute(args.toArray(String[]::new), clients);
        if (status != 0) {
            return status;
        }
        Properties properties = new Properties();
        properties.putAll(streams);
        try (KafkaStreams local = new KafkaStreams(BillingTopology.build(billing), properties)) {
            local.cleanUp();
        }
        System.out.println("reset done: inputs rewound, internal topics deleted, local state wiped");
        return 0;
    }
}
