package org.ftb.it;

import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.ftb.gateway.Gateway;
import org.ftb.testing.TestFtpServer;
import org.ftb.testing.TestGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Issue 9, acceptance 2 and 3 on the packaged jar, as operators run it: {@code ftb broker} in its own
 * process, with FTP sessions through the embedded gateway to Apache FtpServer, its commands typed on
 * standard input. DRAIN then STOP during a transfer: the transfer completes intact, new sessions are
 * refused, RC 0, no stack trace; RELOAD by SIGHUP routes new sessions by the new rule while a transfer
 * under the old one completes.
 */
@Timeout(180)
class OperationsJarIT {
    private static final String USER = "job1";
    private static final String PASSWORD = "s3cret-Pa55";
    private static final int SIZE = 10 * 1024 * 1024;
    private final Path jar = Path.of(System.getProperty("ftb.jar", "target/ftb.jar"));

    @TempDir
    Path dir;
    private TestFtpServer ftp;
    private Gateway gateway;
    private byte[] file;
    private int socksPort;
    private Path config;
    private Process broker;
    private final List<String> output = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        file = new byte[SIZE];
        new Random(3).nextBytes(file);
        Files.write(home.resolve("big.bin"), file);
        ftp = TestFtpServer.start(home, USER, PASSWORD);
        gateway = TestGateway.start(dir, USER, PASSWORD);
        Files.writeString(dir.resolve("known_hosts"), gateway.knownHostsLine() + "\n");
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socksPort = probe.getLocalPort();
        }
        config = dir.resolve("ftbprm.txt");
        writeConfig("ACTION(FTPTUNNEL) VIA(GW)");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(),
                "broker", "--config", config.toString());
        broker = new ProcessBuilder(command).redirectErrorStream(true).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(broker.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    output.add(line);
                }
            } catch (IOException e) {
                // the process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        awaitLine("FTB0003I");
    }

    private void writeConfig(String ftpAction) throws IOException {
        Files.writeString(config, "SOCKS LISTEN(127.0.0.1:" + socksPort + ")\n"
                + "SSHHOST NAME(GW) HOST(127.0.0.1) PORT(" + gateway.port() + ") KNOWNHOSTS('" + dir.resolve("known_hosts") + "')\n"
                + "RULE NAME(FTP) DEST(127.0.0.1) PORTS(" + ftp.port() + ") " + ftpAction + "\n"
                + "RULE NAME(REST) ACTION(DENY)\n");
    }

    @AfterEach
    void tearDown() throws Exception {
        broker.destroyForcibly();
        broker.waitFor(10, TimeUnit.SECONDS);
        gateway.close();
        ftp.close();
    }

    private void awaitLine(String text) {
        await().atMost(60, TimeUnit.SECONDS).until(() -> output.stream().anyMatch(l -> l.contains(text)));
    }

    private void type(String command) {
        PrintStream console = new PrintStream(broker.getOutputStream(), true, StandardCharsets.UTF_8);
        console.println(command);
    }

    private FTPClient loggedIn() throws IOException {
        FTPClient client = new FTPClient();
        client.setProxy(new Proxy(Proxy.Type.SOCKS, new InetSocketAddress("127.0.0.1", socksPort)));
        client.setDefaultTimeout(20_000);
        client.connect("127.0.0.1", ftp.port());
        if (!client.login(USER, PASSWORD)) {
            throw new IOException("login refused: " + client.getReplyString());
        }
        client.enterLocalPassiveMode();
        client.setFileType(FTP.BINARY_FILE_TYPE);
        return client;
    }

    /** A download begun, 1 MiB of it read: the rest is still to cross the broker. */
    private static InputStream downloading(FTPClient client, ByteArrayOutputStream received) throws IOException {
        InputStream in = client.retrieveFileStream("big.bin");
        received.write(in.readNBytes(1024 * 1024));
        return in;
    }

    private void finish(FTPClient client, InputStream in, ByteArrayOutputStream received) throws Exception {
        try (in) {
            in.transferTo(received);
        }
        assertThat(client.completePendingCommand()).as(client.getReplyString()).isTrue();
        assertThat(MessageDigest.getInstance("SHA-256").digest(received.toByteArray()))
                .as("the transfer is intact").isEqualTo(MessageDigest.getInstance("SHA-256").digest(file));
        client.logout();
        client.disconnect();
    }

    @Test
    void drainThenStopDuringATransferCompletesItRefusesNewSessionsAndEndsWithRcZero() throws Exception {
        FTPClient running = loggedIn();
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        InputStream in = downloading(running, received);
        type("DRAIN");
        awaitLine("FTB0313I DRAIN from console");
        assertThatThrownBy(this::loggedIn).as("a new session is refused").isInstanceOf(IOException.class);
        awaitLine("FTB0245I");
        type("STOP");
        awaitLine("FTB0004I STOP from console");
        finish(running, in, received);
        assertThat(broker.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(broker.exitValue()).as(String.join("\n", output)).isZero();
        assertThat(output).anyMatch(l -> l.contains("FTB0005I Broker stopped; 0 session(s) were ended by the stop"))
                .noneMatch(l -> l.contains("Exception") || l.startsWith("\tat "));
    }

    @Test
    void sighupReloadsANewRuleForNewSessionsWhileATransferUnderTheOldRuleCompletes() throws Exception {
        FTPClient old = loggedIn();
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        InputStream in = downloading(old, received);
        writeConfig("ACTION(DENY)");
        assertThat(new ProcessBuilder("kill", "-HUP", Long.toString(broker.pid())).start().waitFor()).isZero();
        awaitLine("FTB0304I RELOAD from SIGHUP");
        assertThatThrownBy(this::loggedIn).as("a new session goes by the new rule").isInstanceOf(IOException.class);
        awaitLine("FTB0205I");
        finish(old, in, received);

        Files.writeString(config, Files.readString(config).replace("ACTION(DENY)\nRULE NAME(REST)", "ACTION(NONE)\nRULE NAME(REST)"));
        assertThat(new ProcessBuilder("kill", "-HUP", Long.toString(broker.pid())).start().waitFor()).isZero();
        awaitLine("FTB0305E RELOAD from SIGHUP");
        assertThat(broker.isAlive()).as("a broken configuration changes nothing").isTrue();
        type("D");
        awaitLine("GENERATION 2");
        type("STOP");
        assertThat(broker.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(broker.exitValue()).isZero();
        assertThat(output).noneMatch(l -> l.contains("Exception") || l.startsWith("\tat "));
    }
}
