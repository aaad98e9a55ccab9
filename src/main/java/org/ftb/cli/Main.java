package org.ftb.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ftb}: the command line. Return codes follow the mainframe convention: 0, 4, 8, 12. */
@Command(name = "ftb", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "FTP Tunnel Broker: carries unmodified FTP jobs through SSH via a local SOCKS broker.",
        subcommands = {BrokerCommand.class, CheckCommand.class, MatchCommand.class, PasswdCommand.class, GatewayCommand.class,
                DemoCommand.class,
                CommandLine.HelpCommand.class},
        exitCodeOnInvalidInput = 12, exitCodeOnExecutionException = 12)
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
        for (CommandLine sub : commandLine.getSubcommands().values()) {
            sub.getCommandSpec().exitCodeOnInvalidInput(12).exitCodeOnExecutionException(12);
        }
        return commandLine;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Name a command: broker, check, match, passwd, gateway, demo or help");
    }

    /** The version from the jar manifest, or "development" when run from classes. */
    public static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{"ftb " + version(), "Java " + System.getProperty("java.version") + " on " + System.getProperty("os.name")};
        }
    }
}
