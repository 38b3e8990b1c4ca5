package com.fluxrouter.billing.cli;

import com.fluxrouter.billing.local.Service;
import com.fluxrouter.billing.local.TopicSetup;
import com.fluxrouter.billing.topology.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.HashMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "run", mixinStandardHelpOptions = true, version = FluxBilling.VERSION,
        header = "Runs the pipeline against an existing Kafka cluster until stopped.",
        description = {
        "Runs the pipeline against an existing Kafka cluster until stopped (SIGTERM or Ctrl-C close it cleanly).",
        "Settings: --config FILE (Java properties), then KAFKA_* and FLUX_* environment variables, then the options.",
        "The cluster must be given (--bootstrap-servers, the file or KAFKA_BOOTSTRAP_SERVERS). Refused at start, exit 2:",
        "an unknown or malformed flux.* setting, and processing.guarantee other than exactly_once_v2,",
        "flux.state.changelogs=false or flux.state.stores=in_memory without flux.unsafe.allow=true.",
        "Every setting: docs/operations.md, Configuration reference.",
        "The HTTP API listens on flux.http.host:flux.http.port (default 127.0.0.1:8080)."})
final class RunCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @Override
    public Integer call() throws Exception {
        warnUnlessLogAppendTime();
        CountDownLatch stopped = new CountDownLatch(1);
        Service service = Service.start(cluster.settings());
        System.out.println("flux-billing running; HTTP API on " + service.apiAddress());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            service.close();
            stopped.countDown();
        }, "flux-billing-shutdown"));
        stopped.await();
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
