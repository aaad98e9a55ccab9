package org.ftb.cli;

import org.ftb.jmx.Statistics;
import org.ftb.platform.Platform;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ftb}: the command line. Return codes follow the mainframe convention: 0, 4, 8, 12. */
@Command(name = "ftb", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "FTP Tunnel Broker: carries unmodified FTP jobs through SSH via a local SOCKS broker.",
        subcommands = {BrokerCommand.class, CheckCommand.class, MatchCommand.class, PasswdCommand.class, GatewayCommand.class,
                TrustCommand.class,
                DemoCommand.class, CtlCommand.class,
                CommandLine.HelpCommand.class},
        exitCodeOnInvalidInput = 12, exitCodeOnExecutionException = 12)
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine(Platform.detect()).execute(args));
    }

    /** The command line on {@code platform}: every command that needs it is made with it. */
    public static CommandLine commandLine(Platform platform) {
        CommandLine commandLine = new CommandLine(new Main(), new PlatformFactory(platform)).setCaseInsensitiveEnumValuesAllowed(true);
        for (CommandLine sub : commandLine.getSubcommands().values()) {
            sub.getCommandSpec().exitCodeOnInvalidInput(12).exitCodeOnExecutionException(12);
        }
        return commandLine;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Name a command: broker, check, match, passwd, gateway, trust, demo, ctl or help");
    }

    /** The version from the jar manifest, or "development" when run from classes. */
    public static String version() {
        return Statistics.jarVersion();
    }

    /** Makes the commands and options that take a Platform with this one; picocli makes the rest. */
    private record PlatformFactory(Platform platform) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            try {
                return type.getDeclaredConstructor(Platform.class).newInstance(platform);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(type);
            }
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{"ftb " + version(), "Java " + System.getProperty("java.version") + " on " + System.getProperty("os.name")};
        }
    }
}
