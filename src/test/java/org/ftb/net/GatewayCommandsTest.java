package org.ftb.net;

import org.apache.commons.net.ftp.FTPClient;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.ftb.auth.UserDirectory;
import org.ftb.config.BrokerConfig;
import org.ftb.config.ConfigLoader;
import org.ftb.config.ConfigReader;
import org.ftb.config.Symbols;
import org.ftb.console.CommandDispatcher;
import org.ftb.gateway.Gateway;
import org.ftb.gateway.GatewayControl;
import org.ftb.message.MessageLog;
import org.ftb.testing.LogCapture;
import org.ftb.testing.TestBroker;
import org.ftb.testing.TestFtpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The operator commands of {@code ftb gateway}, against the real gateway read from a configuration
 * file, with a broker's FTP sessions going through it: DISPLAY SESSIONS, RELOAD of PERMIT, DRAIN, CANCEL.
 */
@Timeout(120)
class GatewayCommandsTest {
    private static final String USER = "job1";
    private static final String PASSWORD = "s3cret-Pa55";

    @TempDir
    Path dir;
    private LogCapture log;
    private TestFtpServer ftp;
    private Path config;
    private Gateway gateway;
    private CountDownLatch stopped;
    private CommandDispatcher console;
    private TestBroker broker;
    private int gatewayPort;

    @BeforeEach
    void setUp() throws Exception {
        log = new LogCapture();
        ftp = TestFtpServer.start(Files.createDirectories(dir.resolve("home")), USER, PASSWORD);
        Files.write(dir.resolve("users"), List.of(UserDirectory.entry(USER, PASSWORD.toCharArray(), 10_000)));
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            gatewayPort = probe.getLocalPort();
        }
        config = dir.resolve("gateway.txt");
        writeConfig("127.0.0.1");
        ConfigLoader loader = new ConfigLoader(new Symbols(Map.of(), name -> Optional.empty()), StandardCharsets.UTF_8);
        ConfigReader reader = () -> loader.load(config, null);
        BrokerConfig start = reader.read().config().orElseThrow();
        MessageLog messages = new MessageLog(LoggerFactory.getLogger("ftb"));
        gateway = Gateway.start(start.gateway().orElseThrow(), messages);
        stopped = new CountDownLatch(1);
        console = CommandDispatcher.standard(new GatewayControl(gateway, "gateway test", stopped, messages, reader), messages);
        Path knownHosts = dir.resolve("known_hosts");
        Files.writeString(knownHosts, gateway.knownHostsLine() + "\n");
        broker = TestBroker.start("SSHHOST NAME(GW) HOST(127.0.0.1) PORT(" + gateway.port() + ") KNOWNHOSTS('" + knownHosts + "')\n"
                + "RULE NAME(FTP) DEST(127.0.0.1) PORTS(" + ftp.port() + ") ACTION(FTPTUNNEL) VIA(GW)\n");
    }

    private void writeConfig(String permitHost) throws IOException {
        Files.writeString(config, "GATEWAY LISTEN(127.0.0.1:" + gatewayPort + ") HOSTKEY('" + dir.resolve("hostkey") + "') USERS('"
                + dir.resolve("users") + "') PERMIT(" + permitHost + ":*)\n");
    }

    @AfterEach
    void tearDown() throws Exception {
        broker.close();
        console.dispatch("STOP", "test");
        ftp.close();
        log.close();
    }

    private FTPClient loggedIn() throws IOException {
        FTPClient client = new FTPClient();
        client.setProxy(new Proxy(Proxy.Type.SOCKS, new InetSocketAddress("127.0.0.1", broker.port())));
        client.setDefaultTimeout(20_000);
        client.connect("127.0.0.1", ftp.port());
        if (!client.login(USER, PASSWORD)) {
            throw new IOException("login refused: " + client.getReplyString());
        }
        client.enterLocalPassiveMode();
        return client;
    }

    @Test
    void displaySessionsListsEachSshConnectionAndCancelEndsOne() throws Exception {
        FTPClient client = loggedIn();
        try {
            List<String> sessions = console.dispatch("D SESSIONS", "MODIFY");
            assertThat(sessions.get(0)).isEqualTo("FTB0340I FTB SESSIONS 1 SHOWN OF 1");
            assertThat(sessions).anyMatch(l -> l.startsWith(" S1 ") && l.contains("GATEWAY") && l.contains("OPEN"))
                    .anyMatch(l -> l.endsWith(" " + USER)).contains("          channels=1");
            assertThat(console.dispatch("CANCEL SESSION=S1", "MODIFY")).containsExactly("FTB0316I CANCEL from MODIFY: S1 is ended");
            assertThatThrownBy(client::listNames).as("the session's SSH connection is gone").isInstanceOf(IOException.class);
        } finally {
            client.disconnect();
        }
        await().untilAsserted(() -> assertThat(gateway.status("", false).activeSessions()).isZero());
        assertThat(console.dispatch("CANCEL SESSION=S1", "MODIFY")).containsExactly(
                "FTB0317E No session S1; DISPLAY SESSIONS lists the active ones");
    }

    @Test
    void reloadPutsANewPermitListInPlaceAndABrokenOneChangesNothing() throws Exception {
        writeConfig("127.0.0.2");
        assertThat(org.ftb.testing.Responses.text(console.dispatch("RELOAD", "console")))
                .startsWith("FTB0517I RELOAD from console: " + config + " is in force: PERMIT has 1 destination(s)");
        assertThatThrownBy(this::loggedIn).as("127.0.0.1 is no longer permitted").isInstanceOf(IOException.class);
        assertThat(log.withId("FTB0502W")).isNotEmpty();

        Files.writeString(config, Files.readString(config).replace("PERMIT(", "PERMIT(bad:port:x "));
        assertThat(org.ftb.testing.Responses.text(console.dispatch("RELOAD", "console")))
                .startsWith("FTB0305E RELOAD from console: " + config + " has errors (RC 8); the running configuration is unchanged")
                .contains("line 1 column");
        writeConfig("127.0.0.1");
        assertThat(console.dispatch("RELOAD", "console").get(0)).startsWith("FTB0517I");
        FTPClient client = loggedIn();
        client.disconnect();
    }

    @Test
    void drainRefusesNewSshConnectionsSayingWhyWhileOpenOnesGoOn() throws Exception {
        FTPClient client = loggedIn();
        try {
            assertThat(console.dispatch("DRAIN", "console").get(0)).startsWith("FTB0313I DRAIN from console: new sessions are refused");
            assertThat(console.dispatch("D", "console").get(0)).contains(" DRAINING UP ");
            try (SshClient ssh = SshClient.setUpDefaultClient()) {
                ssh.setServerKeyVerifier((session, address, key) -> true);
                ssh.start();
                try (ClientSession session = ssh.connect(USER, "127.0.0.1", gateway.port()).verify(Duration.ofSeconds(10)).getSession()) {
                    session.addPasswordIdentity(PASSWORD);
                    assertThatThrownBy(() -> session.auth().verify(Duration.ofSeconds(10))).isInstanceOf(IOException.class);
                }
            }
            assertThat(log.withId("FTB0516I")).singleElement().asString().contains("refused: the gateway is draining");
            assertThat(client.listNames()).as("the broker's open SSH connection still opens tunnels").isNotNull();
            assertThat(console.dispatch("RESUME", "console").get(0)).startsWith("FTB0314I RESUME from console");
        } finally {
            client.disconnect();
        }
    }
}
