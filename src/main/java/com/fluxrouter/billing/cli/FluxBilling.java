package com.fluxrouter.billing.cli;

import org.apache.kafka.common.config.ConfigException;
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

    /** Exit status of a command refused for its settings (a bad, unknown or unsafe setting, no cluster). */
    static final int BAD_SETTINGS = 2;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * The launcher's command line: a setting refused at start ({@link ConfigException}) is reported as one line
     * naming the setting, exit status {@value #BAD_SETTINGS}; any other failure keeps picocli's stack trace.
     */
    static CommandLine commandLine() {
        CommandLine line = new CommandLine(new FluxBilling());
        line.setExecutionExceptionHandler((exception, command, parsed) -> {
            if (exception instanceof ConfigException) {
                command.getErr().println("flux-billing " + command.getCommandName() + ": " + exception.getMessage());
                return BAD_SETTINGS;
            }
            throw exception;
        });
        return line;
    }
}
