package com.fluxrouter.billing.cli;

import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.local.Service;
import com.fluxrouter.billing.local.TopicSetup;
import com.fluxrouter.billing.topology.StreamsSettings;
import com.fluxrouter.billing.topology.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import com.fluxrouter.billing.observability.StreamsLifecycle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.HashMap;
import java.util.concurrent.Callable;

@Command(name = "run", mixinStandardHelpOptions = true, version = FluxBilling.VERSION,
        header = "Runs the pipeline against an existing Kafka cluster until stopped.",
        description = {
        "Runs the pipeline against an existing Kafka cluster until stopped (SIGTERM or Ctrl-C close it cleanly).",
        "Settings: --config FILE (Java properties), then KAFKA_* and FLUX_* environment variables, then the options.",
        "The cluster must be given (--bootstrap-servers, the file or KAFKA_BOOTSTRAP_SERVERS). Refused at start, exit 2:",
        "an unknown or malformed flux.* setting, and processing.guarantee other than exactly_once_v2,",
        "flux.state.changelogs=false or flux.state.stores=in_memory without flux.unsafe.allow=true.",
        "Every setting: docs/operations.md, Configuration reference.",
        "The HTTP API listens on flux.http.host:flux.http.port (default 127.0.0.1:8080).",
        "Exits 1 when Kafka Streams stops on its own (ERROR), so a supervisor restarts it."})
final class RunCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    /** 0 after a shutdown (SIGTERM, Ctrl-C); {@link StreamsLifecycle#STOPPED_ON_ITS_OWN} when Kafka Streams died. */
    @Override
    public Integer call() throws Exception {
        // Every setting is checked before the cluster is contacted: a typo fails at once, not after its timeouts.
        StreamsSettings.live(BillingConfig.of(cluster.settings()));
        warnUnlessLogAppendTime();
        Service service = Service.start(cluster.settings());
        System.out.println("flux-billing running; HTTP API on " + service.apiAddress());
        Thread hook = new Thread(service::close, "flux-billing-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        int status = service.pipeline().lifecycle().awaitExitStatus(service::close);
        if (status != 0) {
            System.err.println("flux-billing: Kafka Streams stopped on its own (see the log); exiting " + status);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDownAlready) {
                // The hook runs anyway; closing twice is harmless.
            }
            return status;
        }
        // Stopped by the shutdown hook: let it finish closing (the JVM waits for it anyway).
        hook.join();
        return 0;
    }

    /** Rule 4: a CreateTime request topic is legal but worth a warning; not being able to ask is not fatal. */
    private void warnUnlessLogAppendTime() {
        try (Admin admin = Admin.create(new HashMap<String, Object>(cluster.clientSettings()))) {
            TopicSetup.routedTimestampWarning(admin).ifPresent(LOG::warn);
        } catch (Exception e) {
            LOG.warn("Could not check the timestamp type of {}: {}", Topics.ROUTED, e.toString());
        }
    }
}
