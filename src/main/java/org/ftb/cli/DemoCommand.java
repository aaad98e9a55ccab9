package org.ftb.cli;

import org.apache.ftpserver.FtpServer;
import org.ftb.app.Broker;
import org.ftb.auth.UserDirectory;
import org.ftb.config.ConfigLoader;
import org.ftb.config.ConfigReader;
import org.ftb.config.ConfigSource;
import org.ftb.config.Diagnostics;
import org.ftb.config.GatewaySettings;
import org.ftb.config.Symbols;
import org.ftb.demo.Demo;
import org.ftb.gateway.Gateway;
import org.ftb.logging.LogSetup;
import org.ftb.message.MessageLog;
import org.ftb.net.Resolver;
import org.ftb.platform.Platform;
import org.ftb.platform.TextFiles;
import org.ftb.rules.DestinationPattern;
import org.ftb.rules.PortRange;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code ftb demo}: the whole chain on loopback — an FTP server, the SSH gateway in front of it, and
 * the broker with an FTPTUNNEL rule — and the curl command that downloads a file through it.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start, on loopback, a demo FTP server, the SSH gateway and the broker with an FTPTUNNEL rule; print the "
                + "curl command that downloads a demo file through the tunnel; run until STOP or Ctrl-C.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--socks-port", defaultValue = "1080", description = "The broker's SOCKS port on 127.0.0.1 (default 1080).")
    int socksPort;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final Platform platform;

    DemoCommand(Platform platform) {
        this.platform = platform;
    }

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("ftb-demo-");
        try (Signals signals = Signals.install()) {
            return withFtpServer(dir, signals);
        } finally {
            // The folder holds the gateway's private host key: it goes whether the demo ran or failed to start.
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** How this program is run, for the commands the demo prints: {@code java -jar PATH} from a jar, else the launcher. */
    private static String self() {
        try {
            Path code = Path.of(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return code.getFileName().toString().endsWith(".jar") ? "java -jar " + code : "ftb";
        } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
            return "ftb";
        }
    }

    private int withFtpServer(Path dir, Signals signals) throws Exception {
        Path home = Files.createDirectories(dir.resolve("ftp"));
        FtpServer ftp = Demo.startFtpServer(home);
        try {
            return withGatewayAndBroker(dir, ftp, home, signals);
        } finally {
            ftp.stop();
        }
    }

    private int withGatewayAndBroker(Path dir, FtpServer ftp, Path home, Signals signals) throws Exception {
        TextFiles textFiles = new TextFiles(platform.nativeCharset());
        MessageLog messages = new MessageLog(LoggerFactory.getLogger(LogSetup.BROKER_LOGGER));
        int ftpPort = Demo.port(ftp);
        Path users = dir.resolve("gateway-users");
        Files.write(users, List.of(UserDirectory.entry(Demo.USER, Demo.PASSWORD.toCharArray(), 100_000)), StandardCharsets.UTF_8);
        GatewaySettings gatewaySettings = new GatewaySettings(new org.ftb.address.HostPort("127.0.0.1", 0),
                dir.resolve("gateway-hostkey"), Optional.of(users), Optional.of(UserDirectory.read(users, textFiles)), Optional.empty(),
                GatewaySettings.DEFAULT_MAX_AUTH_TRIES, List.of(new GatewaySettings.Permit(DestinationPattern.parse("127.0.0.1").orElseThrow(), PortRange.ALL)),
                textFiles);
        try (Gateway gateway = Gateway.start(gatewaySettings, messages)) {
            Path knownHosts = dir.resolve("known_hosts");
            // In the demo's own folder, which is private: a second demo has one of its own.
            Path control = dir.resolve("ctl");
            Files.writeString(knownHosts, gateway.knownHostsLine() + "\n");
            String member = String.join("\n",
                    "/* ftb demo: everything on loopback */",
                    "BROKER  CONTROL('" + control + "')",
                    "SOCKS   LISTEN(127.0.0.1:" + socksPort + ")",
                    "SSHHOST NAME(DEMOGW) HOST(127.0.0.1) PORT(" + gateway.port() + ") KNOWNHOSTS('" + knownHosts + "')",
                    "RULE    NAME(DEMOFTP) DEST(127.0.0.1 localhost) PORTS(" + ftpPort + ") ACTION(FTPTUNNEL) VIA(DEMOGW)",
                    "RULE    NAME(OTHERS) DEST(*) ACTION(DENY)", "");
            Path memberFile = dir.resolve("ftbprm-demo.txt");
            Files.writeString(memberFile, member);
            ConfigLoader loader = new ConfigLoader(Symbols.none(), platform.nativeCharset());
            // Read from the file it prints, so that an edit of it and RELOAD show a live change.
            ConfigReader reader = () -> loader.load(memberFile, ConfigSource.RecordFormat.STREAM);
            ConfigLoader.Result result = reader.read();
            ConfigOptions.report(result, d -> messages.logFormatted(d.msg(), d.text()));
            if (result.config().isEmpty()) {
                return result.returnCode();
            }
            Broker broker;
            try {
                broker = Broker.start(result.config().get(), reader, Resolver.system(), Main.version());
            } catch (org.ftb.broker.SocksServer.ListenException e) {
                spec.commandLine().getErr().println("Port " + socksPort + " is in use: try ftb demo --socks-port 11080");
                return Diagnostics.RC_SEVERE;
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println();
            out.println("FTP Tunnel Broker demo is running, all on loopback:");
            out.println("  FTP server   127.0.0.1:" + ftpPort + "  user " + Demo.USER + ", files in " + home);
            out.println("  SSH gateway  127.0.0.1:" + gateway.port() + "  (ftb gateway; only tunnels to 127.0.0.1)");
            out.println("  Broker       SOCKS 127.0.0.1:" + socksPort + "  rule DEMOFTP: FTPTUNNEL via DEMOGW  (" + memberFile + ")");
            out.println();
            out.println("Download the demo file through the SSH tunnel:");
            out.println("  curl --socks5-hostname 127.0.0.1:" + socksPort + " ftp://" + Demo.USER + ":" + Demo.PASSWORD + "@127.0.0.1:"
                    + ftpPort + "/" + Demo.FILE);
            out.println();
            out.println("Type D SESSIONS to see the sessions, HELP for the commands, STOP (or Ctrl-C) to end;");
            out.println("edit " + memberFile.getFileName() + " and type RELOAD to put a change in place; or from another terminal:");
            out.println("  " + self() + " ctl --endpoint " + control + " DISPLAY");
            out.flush();
            return Foreground.run(broker, broker.stoppedLatch(), result.config().get().broker().stopTimeout().plusSeconds(5), messages,
                    platform, control, signals);
        }
    }
}
