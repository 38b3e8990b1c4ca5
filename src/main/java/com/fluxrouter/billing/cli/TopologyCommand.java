package com.fluxrouter.billing.cli;

import com.fluxrouter.billing.config.BillingConfig;
import com.fluxrouter.billing.topology.BillingTopology;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

@Command(name = "topology", mixinStandardHelpOptions = true, version = FluxBilling.VERSION,
        header = "Prints the topology description (as checked in under topology/).",
        description = "After a deliberate topology change: bin/flux-billing topology > topology/billing-pipeline.txt.")
final class TopologyCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.out.print(BillingTopology.build(BillingConfig.defaults()).describe());
        return 0;
    }
}
