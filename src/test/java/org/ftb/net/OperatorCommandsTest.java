package org.ftb.net;

import org.ftb.config.ConfigReader;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.ftb.app.Broker;
import org.ftb.config.ConfigLoader;
import org.ftb.config.Symbols;
import org.ftb.cli.Main;
import org.ftb.console.CommandDispatcher;
import org.ftb.control.ControlServer;
import org.ftb.platform.Platform;
import org.ftb.gateway.Gateway;
import org.ftb.status.SessionView;
import org.ftb.testing.LogCapture;
import org.ftb.testing.TestFtpServer;
import org.ftb.testing.TestGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The operator commands against a real broker with live FTP sessions, every one given through
 * {@code ftb ctl} and its control endpoint: Commons Net FTPClient through SOCKS → broker →
 * {@code ftb gateway} (embedded) → Apache FtpServer. The broker reads its configuration
 * from a file, as {@code ftb broker --config} does, so that RELOAD reads it again.
 */
@Timeout(120)
class OperatorCommandsTest {
    private static final String USER = "job1";
    private static final String PASSWORD = "s3cret-Pa55";
    private static final int BIG = 10 * 1024 * 1024;
    /** How ftb ctl's commands are logged and answered: by the user who sent them. */
    private static final String ORIGIN = "ctl user=" + System.getProperty("user.name");

    @TempDir
    Path dir;
    private LogCapture log;
    private TestFtpServer ftp;
    private Gateway gateway;
    private Path knownHosts;
    private Path config;
    private Broker broker;
    private Path endpoint;
    private ControlServer endpointServer;
    private byte[] big;
    private int socksPort;

    @BeforeEach
    void setUp() throws Exception {
        log = new LogCapture();
        Path home = Files.createDirectories(dir.resolve("home"));
        big = new byte[BIG];
        new Random(9).nextBytes(big);
        Files.write(home.resolve("big.bin"), big);
        ftp = TestFtpServer.start(home, USER, PASSWORD);
        gateway = TestGateway.start(dir, USER, PASSWORD);
        knownHosts = dir.resolve("known_hosts");
        Files.writeString(knownHosts, gateway.knownHostsLine() + "\n");
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            socksPort = probe.getLocalPort();
        }
        config = dir.resolve("ftbprm.txt");
        writeConfig("ACTION(FTPTUNNEL) VIA(GW)", "");
        ConfigLoader loader = new ConfigLoader(new Symbols(Map.of(), name -> Optional.empty()), StandardCharsets.UTF_8);
        ConfigReader reader = () -> loader.load(config, null);
        ConfigLoader.Result start = reader.read();
        broker = Broker.start(start.config().orElseThrow(() -> new AssertionError(start.diagnostics().all())), reader, Resolver.system(), "test");
        endpoint = dir.resolve("ctl");
        endpointServer = ControlServer.open(endpoint, ControlServer.Transport.AUTO, CommandDispatcher.standard(broker, broker.messages()),
                broker.messages());
    }

    /** The configuration file: the SSH host (with extra operands) and the FTP server's rule with this action. */
    private void writeConfig(String ftpAction, String sshOperands) throws IOException {
        Files.writeString(config, "SOCKS LISTEN(127.0.0.1:" + socksPort + ")\n"
                + "SSHHOST NAME(GW) HOST(127.0.0.1) PORT(" + gateway.port() + ") KNOWNHOSTS('" + knownHosts + "') " + sshOperands + "\n"
                + "RULE NAME(FTP) DEST(127.0.0.1) PORTS(" + ftp.port() + ") " + ftpAction + "\n"
                + "RULE NAME(REST) ACTION(DENY)\n");
    }

    @AfterEach
    void tearDown() throws Exception {
        endpointServer.close();
        broker.close();
        gateway.close();
        ftp.close();
        log.close();
    }

    private FTPClient loggedIn() throws IOException {
        FTPClient client = new FTPClient();
        client.setProxy(new Proxy(Proxy.Type.SOCKS, new InetSocketAddress("127.0.0.1", broker.listenAddresses().get(0).getPort())));
        client.setConnectTimeout(10_000);
        client.setDefaultTimeout(20_000);
        client.connect("127.0.0.1", ftp.port());
        assertThat(client.login(USER, PASSWORD)).isTrue();
        client.enterLocalPassiveMode();
        assertThat(client.setFileType(FTP.BINARY_FILE_TYPE)).isTrue();
        return client;
    }

    /** The rest of {@code in}, then closed as Commons Net requires before completePendingCommand; or the exception that ended it early. */
    private static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        }
    }

    /**
     * The response to a command given with {@code ftb ctl}, as an operator at another terminal of this
     * host gives it; its return code is 8 when the response is an error, else 0.
     */
    private List<String> ctl(String command) {
        StringWriter out = new StringWriter();
        List<String> args = new ArrayList<>(List.of("ctl", "--endpoint", endpoint.toString()));
        args.addAll(List.of(command.split(" ")));
        int rc = Main.commandLine(Platform.detect()).setOut(new PrintWriter(out)).setErr(new PrintWriter(out)).execute(args.toArray(String[]::new));
        List<String> lines = out.toString().lines().toList();
        assertThat(rc).as("ftb ctl %s: %s", command, lines).isEqualTo(!lines.isEmpty() && lines.get(0).matches("FTB\\d{4}E .*") ? 8 : 0);
        return lines;
    }

    /** The response as one text: a line too long for the console goes on, indented, on the next. */
    private static String text(List<String> response) {
        return org.ftb.testing.Responses.text(response);
    }

    private static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }

    private SessionView ftpSession() {
        return broker.status().sessions().stream().filter(v -> v.action().equals("FTPTUNNEL")).findFirst().orElseThrow();
    }

    @Test
    void reloadRoutesNewSessionsByTheNewRuleWhileATransferUnderTheOldOneCompletesIntact() throws Exception {
        FTPClient old = loggedIn();
        try {
            InputStream download = old.retrieveFileStream("big.bin");
            byte[] first = download.readNBytes(1024 * 1024);
            // The FTP rule now denies, and the SSH host changed: its connection retires with the old session.
            writeConfig("ACTION(DENY)", "KEEPALIVE(15)");
            String reloaded = text(ctl("RELOAD"));
            assertThat(reloaded).startsWith("FTB0304I RELOAD from " + ORIGIN + ": " + config + " is in force as generation 2:")
                    .contains("FTB0308I RELOAD: SSHHOST GW changed or was removed");
            assertThat(ctl("D SSH")).anyMatch(l -> l.startsWith(" GW ") && l.endsWith(" RETIRING"));
            assertThatThrownBy(this::loggedIn).as("a new session goes by the new rule").isInstanceOf(IOException.class);
            assertThat(log.withId("FTB0205I")).anyMatch(l -> l.contains("rule FTP") && l.contains("ACTION(DENY)"));

            byte[] rest = readAll(download);
            assertThat(old.completePendingCommand()).as(old.getReplyString()).isTrue();
            byte[] all = new byte[first.length + rest.length];
            System.arraycopy(first, 0, all, 0, first.length);
            System.arraycopy(rest, 0, all, first.length, rest.length);
            assertThat(sha256(all)).as("the transfer under the old rule is intact").isEqualTo(sha256(big));

            // A data connection opened after RELOAD still goes through the session's own SSH connection.
            ByteArrayOutputStream again = new ByteArrayOutputStream();
            assertThat(old.retrieveFile("big.bin", again)).as(old.getReplyString()).isTrue();
            assertThat(sha256(again.toByteArray())).isEqualTo(sha256(big));
            assertThat(old.logout()).isTrue();
        } finally {
            old.disconnect();
        }
        await().untilAsserted(() -> assertThat(broker.sshConnections()).as("the retired SSH connection closes with its last tunnel")
                .isEmpty());
        assertThat(ctl("D RULES")).as("hits by rule name since the start: the old session and the new one")
                .contains(" FTP      DENY      -                 2");
    }

    @Test
    void reloadOfABrokenConfigurationReportsEveryErrorAndChangesNothing() throws Exception {
        String good = Files.readString(config);
        Files.writeString(config, good.replace("ACTION(FTPTUNNEL)", "ACTION(FTPTUNEL)") + "RULE NAME(X) PORTS(99999) ACTION(DENY)\n");
        String answer = text(ctl("RELOAD"));
        assertThat(answer).startsWith("FTB0305E RELOAD from " + ORIGIN + ": " + config + " has errors (RC 8); the running configuration is unchanged")
                .contains("line 3 column", "FTPTUNEL", "line 5 column", "PORTS(99999)");
        assertThat(broker.status().generation()).isOne();
        FTPClient client = loggedIn();
        try {
            assertThat(client.listNames()).contains("big.bin");
        } finally {
            client.disconnect();
        }
    }

    @Test
    void reloadThatCannotBindANewListenerChangesNothing() throws Exception {
        int taken = gateway.port();
        Files.writeString(config, Files.readString(config).replace("LISTEN(127.0.0.1:" + socksPort + ")",
                "LISTEN(127.0.0.1:" + socksPort + " 127.0.0.1:" + taken + ")").replace("ACTION(FTPTUNNEL) VIA(GW)", "ACTION(DENY)"));
        assertThat(text(ctl("RELOAD"))).startsWith("FTB0312E RELOAD from " + ORIGIN + ": cannot listen on 127.0.0.1:" + taken);
        assertThat(broker.status().generation()).isOne();
        assertThat(broker.rules()).extracting(r -> r.action().name()).containsExactly("FTPTUNNEL", "DENY");
    }

    @Test
    void drainRefusesNewSessionsWhileATransferCompletesThenStopEndsTheBroker() throws Exception {
        FTPClient running = loggedIn();
        InputStream download = running.retrieveFileStream("big.bin");
        byte[] first = download.readNBytes(1024 * 1024);
        assertThat(text(ctl("DRAIN"))).isEqualTo("FTB0313I DRAIN from " + ORIGIN + ": new sessions are refused; 2 active session(s) go on");
        assertThat(ctl("D").get(0)).contains(" DRAINING UP ");
        assertThatThrownBy(this::loggedIn).isInstanceOf(IOException.class);
        assertThat(log.withId("FTB0245I")).singleElement().asString().contains("refused: the broker is draining");
        assertThat(ctl("STOP")).isEmpty();
        byte[] rest = readAll(download);
        assertThat(running.completePendingCommand()).isTrue();
        assertThat(first.length + rest.length).isEqualTo(BIG);
        running.logout();
        running.disconnect();
        assertThat(broker.awaitStopped(java.time.Duration.ofSeconds(30))).isTrue();
        assertThat(log.withId("FTB0005I")).as(String.join("\n", log.lines())).singleElement().asString().contains("0 session(s) were ended by the stop");
    }

    @Test
    void cancelMakesTheTransferFailAndTheAuditSaysCancelled() throws Exception {
        FTPClient client = loggedIn();
        SessionView session;
        try {
            InputStream download = client.retrieveFileStream("big.bin");
            byte[] first = download.readNBytes(64 * 1024);
            session = ftpSession();
            assertThat(text(ctl("CANCEL SESSION=C" + session.id()))).isEqualTo("FTB0316I CANCEL from " + ORIGIN + ": C" + session.id() + " is ended");
            long received = first.length;
            boolean failed = false;
            try {
                received += readAll(download).length;
                failed = !client.completePendingCommand();
            } catch (IOException e) {
                failed = true;
            }
            assertThat(failed || received < BIG).as("a cancelled transfer never looks complete (%d bytes)", received).isTrue();
            assertThat(failed).as("the client is told the transfer failed").isTrue();
        } finally {
            client.disconnect();
        }
        await().untilAsserted(() -> assertThat(log.withId("FTB0200I"))
                .anyMatch(l -> l.contains("C" + session.id() + " END") && l.contains("action=FTPTUNNEL") && l.contains("result=CANCELLED")));
        assertThat(ctl("CANCEL SESSION=C99999")).containsExactly(
                "FTB0317E No session C99999; DISPLAY SESSIONS lists the active ones");
    }

    @Test
    void displayShowsTheLiveSessionItsDataConnectionTheRulesTheSshConnectionAndTheConfiguration() throws Exception {
        FTPClient client = loggedIn();
        try {
            InputStream download = client.retrieveFileStream("big.bin");
            download.readNBytes(1024);
            SessionView session = ftpSession();
            List<String> sessions = ctl("D SESSIONS USER=" + USER.toUpperCase());
            assertThat(sessions.get(0)).isEqualTo("FTB0340I FTB SESSIONS 1 SHOWN OF 2 WHERE USER=JOB1");
            assertThat(sessions).anyMatch(l -> l.startsWith(" C" + session.id() + " ") && l.contains("FTPTUNNEL TRANSFER"))
                    .contains("          NOW RETR big.bin")
                    .anyMatch(l -> l.contains("127.0.0.1:" + ftp.port() + " VIA GW"))
                    .anyMatch(l -> l.startsWith("          DATA C"));
            assertThat(ctl("D SESSIONS RULE=REST")).containsExactly("FTB0340I FTB SESSIONS 0 SHOWN OF 2 WHERE RULE=REST");
            assertThat(ctl("D RULES")).contains(" FTP      FTPTUNNEL GW                1");
            assertThat(ctl("D SSH")).anyMatch(l -> l.startsWith(" GW ") && l.contains(USER + "@127.0.0.1:" + gateway.port()))
                    .anyMatch(l -> l.contains("aes128-gcm@openssh.com"));
            assertThat(ctl("D CONFIG")).anyMatch(l -> l.startsWith(" RULE NAME(FTP) DEST(127.0.0.1)"));
            assertThat(ctl("D")).contains(" SSH      1 CONNECTION(S)")
                    .anyMatch(l -> l.startsWith(" CONFIG   " + config.toString().substring(0, 20)));
            for (String command : List.of("D", "D SESSIONS", "D RULES", "D SSH", "D CONFIG", "HELP")) {
                assertThat(ctl(command)).as(command).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(70));
            }
            readAll(download);
            assertThat(client.completePendingCommand()).isTrue();
        } finally {
            client.disconnect();
        }
    }

    @Test
    void traceShowsTheControlLinesWithThePasswordMasked() throws Exception {
        assertThat(text(ctl("TRACE ON"))).isEqualTo("FTB0318I TRACE ON from " + ORIGIN + " for all sessions");
        FTPClient client = loggedIn();
        try {
            assertThat(client.listNames()).contains("big.bin");
            SessionView session = ftpSession();
            assertThat(text(ctl("TRACE OFF"))).isEqualTo("FTB0318I TRACE OFF from " + ORIGIN + " for all sessions");
            int traced = log.withId("FTB0246I").size();
            assertThat(client.sendNoOp()).isTrue();
            assertThat(log.withId("FTB0246I")).as("TRACE OFF stops the trace").hasSize(traced);
            assertThat(text(ctl("TRACE ON SESSION=C" + session.id()))).isEqualTo("FTB0318I TRACE ON from " + ORIGIN + " for C" + session.id());
            assertThat(client.sendNoOp()).isTrue();
        } finally {
            client.disconnect();
        }
        assertThat(log.withId("FTB0246I"))
                .anyMatch(l -> l.contains("trace request: SOCKS") && l.contains("CONNECT 127.0.0.1:" + ftp.port()))
                .anyMatch(l -> l.contains("trace to server: USER " + USER))
                .anyMatch(l -> l.contains("trace to server: PASS ********"))
                .anyMatch(l -> l.contains("trace to client: 230"))
                .anyMatch(l -> l.contains("trace to server: NOOP"));
        assertThat(log.lines()).noneMatch(l -> l.contains(PASSWORD));
        assertThat(ctl("TRACE ON SESSION=C99999")).containsExactly(
                "FTB0317E No session C99999; DISPLAY SESSIONS lists the active ones");
    }

    @Test
    void stopForceEndsARunningTransferAsAFailure() throws Exception {
        FTPClient client = loggedIn();
        try {
            InputStream download = client.retrieveFileStream("big.bin");
            download.readNBytes(64 * 1024);
            assertThat(ctl("STOP FORCE")).containsExactly("FTB0303I STOP: the remaining sessions are ended now");
            assertThatThrownBy(() -> {
                readAll(download);
                if (!client.completePendingCommand()) {
                    throw new IOException("the transfer failed: " + client.getReplyString());
                }
            }).isInstanceOf(IOException.class);
        } finally {
            client.disconnect();
        }
        assertThat(broker.awaitStopped(java.time.Duration.ofSeconds(30))).isTrue();
        assertThat(log.withId("FTB0017W")).singleElement().asString().contains("STOP FORCE from " + ORIGIN + ": ending 2 session(s) now");
    }
}
