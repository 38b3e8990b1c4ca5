package com.fluxrouter.billing.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The launcher: {@code bin/flux-billing <command>}. */
@Command(name = "flux-billing", mixinStandardHelpOptions = true, version = "flux-billing 0.1.0",
        description = "FluxRouter usage billing: prices routed LLM requests and bills account-months.",
        subcommands = {DemoCommand.class, RunCommand.class, TopicsCommand.class, ResetCommand.class, ReplayCommand.class,
                ExportCommand.class,
                TopologyCommand.class, SchemasCommand.class, DecodeCommand.class, BenchCommand.class, ChaosCommand.class,
                CommandLine.HelpCommand.class})
public final class FluxBilling {
    public static void main(String[] args) {
        System.exit(new CommandLine(new FluxBilling()).execute(args));
    }
}
