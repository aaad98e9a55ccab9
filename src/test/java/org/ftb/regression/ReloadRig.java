package org.ftb.regression;

import org.apache.commons.net.ftp.FTPConnectionClosedException;
import org.ftb.app.Broker;
import org.ftb.config.ConfigLoader;
import org.ftb.config.ConfigReader;
import org.ftb.config.Symbols;
import org.ftb.console.CommandDispatcher;
import org.ftb.gateway.Gateway;
import org.ftb.net.Resolver;
import org.ftb.testing.LogCapture;
import org.ftb.testing.TestFtpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The real parts of a RELOAD test: Apache FtpServer serving {@code home} to {@link Rig#USER}, the
 * embedded SSH gateway, and a broker that reads its configuration from a file, as {@code ftb broker
 * --config} does, so that RELOAD reads the file again. The SOCKS port is fixed at the start, since the
 * file names it. The log is captured from the start.
 */
final class ReloadRig implements AutoCloseable {
    final LogCapture log = new LogCapture();
    final Path home;
    final TestFtpServer ftp;
    final Gateway gateway;
    final Path config;
    final int socksPort;
    private final Path knownHosts;
    private Broker broker;
    private CommandDispatcher console;

    private ReloadRig(Path dir) throws Exception {
        home = Files.createDirectories(dir.resolve("home"));
        ftp = TestFtpServer.start(home, Rig.USER, Rig.PASSWORD);
        gateway = Rig.gateway(dir);
        knownHosts = dir.resolve("known_hosts");
        Files.writeString(knownHosts, gateway.knownHostsLine() + "\n");
        config = dir.resolve("ftbprm.txt");
        socksPort = freePort();
    }

    static ReloadRig start(Path dir) throws Exception {
        return new ReloadRig(dir);
    }

    static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    /** An SSHHOST statement for the gateway, with extra operands. */
    String sshHost(String name, String operands) {
        return "SSHHOST NAME(" + name + ") HOST(127.0.0.1) PORT(" + gateway.port() + ") KNOWNHOSTS('" + knownHosts + "') " + operands
                + "\n";
    }

    /** The rule for the FTP server's control port, with this action. */
    String ftpRule(String action) {
        return "RULE NAME(FTP) DEST(127.0.0.1) PORTS(" + ftp.port() + ") " + action + "\n";
    }

    /** Writes the configuration file: a SOCKS statement for the fixed port, then {@code statements}. */
    ReloadRig write(String statements) throws IOException {
        Files.writeString(config, "SOCKS LISTEN(127.0.0.1:" + socksPort + ")\n" + statements);
        return this;
    }

    /** Starts the broker from the file as written. */
    ReloadRig startBroker() throws Exception {
        broker = startFrom(config);
        console = CommandDispatcher.standard(broker, broker.messages());
        return this;
    }

    /** A broker started from the file {@code config}, whose RELOAD reads the file again, as {@code ftb broker --config} does. */
    static Broker startFrom(Path config) throws Exception {
        ConfigLoader loader = new ConfigLoader(new Symbols(Map.of(), name -> Optional.empty()), StandardCharsets.UTF_8);
        ConfigReader reader = () -> loader.load(config, null);
        ConfigLoader.Result start = reader.read();
        return Broker.start(start.config().orElseThrow(() -> new AssertionError(start.diagnostics().all())), reader, Resolver.system(),
                "test");
    }

    Broker broker() {
        return broker;
    }

    /** One operator command, as from the console; the response joined to one line. */
    String command(String text) {
        return org.ftb.testing.Responses.text(console.dispatch(text, "console"));
    }

    /** The response's lines as the console shows them. */
    List<String> lines(String text) {
        return console.dispatch(text, "console");
    }

    /** An FTP client connected through the broker to the FTP server, not yet logged in. */
    Rig.FtpClient connect() throws IOException {
        Rig.FtpClient client = new Rig.FtpClient();
        client.setProxy(new Proxy(Proxy.Type.SOCKS, new InetSocketAddress("127.0.0.1", socksPort)));
        client.setConnectTimeout(15_000);
        client.setDefaultTimeout(30_000);
        client.setDataTimeout(Duration.ofSeconds(30));
        client.connect("127.0.0.1", ftp.port());
        return client;
    }

    /** Connected and logged in as {@link Rig#USER}, passive, binary; fails naming the reply otherwise. */
    Rig.FtpClient login() throws IOException {
        Rig.FtpClient client = connect();
        boolean in;
        try {
            in = client.login(Rig.USER, Rig.PASSWORD);
        } catch (FTPConnectionClosedException e) {
            in = false; // a 421: Commons Net throws after reading it
        }
        if (!in) {
            String reply = client.getReplyString().strip();
            client.disconnect();
            throw new AssertionError("login through the broker failed: " + reply + "; the broker said: " + log.withId("FTB0234E"));
        }
        client.enterLocalPassiveMode();
        client.setFileType(Rig.FtpClient.BINARY_FILE_TYPE);
        return client;
    }

    @Override
    public void close() throws Exception {
        try {
            if (broker != null) {
                broker.close();
            }
            gateway.close();
        } finally {
            ftp.close();
            log.close();
        }
    }
}
