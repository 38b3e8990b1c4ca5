package com.fluxrouter.billing.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The launcher: {@code bin/flux-billing <command>}. */
@Command(name = "flux-billing", mixinStandardHelpOptions = true, version = FluxBilling.VERSION,
        description = "FluxRouter usage billing: prices routed LLM requests and bills account-months.",
        subcommands = {DemoCommand.class, RunCommand.class, TopicsCommand.class, ResetCommand.class, ReplayCommand.class,
                ExportCommand.class,
                TopologyCommand.class, SchemasCommand.class, DecodeCommand.class, BenchCommand.class, ChaosCommand.class,
                CommandLine.HelpCommand.class})
public final class FluxBilling {
    /** What {@code --version} (-V) prints, on the launcher and on every subcommand. */
    public static final String VERSION = "flux-billing 0.1.0";

    public static void main(String[] args) {
        System.exit(new CommandLine(new FluxBilling()).execute(args));
    }
}
