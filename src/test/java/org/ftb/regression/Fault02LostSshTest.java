package org.ftb.regression;

import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.assertj.core.api.SoftAssertions;
import org.awaitility.core.ConditionTimeoutException;
import org.ftb.gateway.Gateway;
import org.ftb.testing.LogCapture;
import org.ftb.testing.StreamEnd;
import org.ftb.testing.TcpProxy;
import org.ftb.testing.TestBroker;
import org.ftb.testing.TestFtpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 6, fault 2: a lost SSH connection looks like a finished transfer. While the client reads a
 * large RETR slowly, the SSH connection under its tunnels dies: cut with a FIN or a reset by a TCP
 * proxy between the broker and the gateway, or the gateway (in its own JVM) killed outright. Only an
 * SSH channel's own EOF is a clean end, so:
 * <ul>
 * <li>the client's data connection is reset, never ended cleanly after a partial file;</li>
 * <li>the control connection gets a 421 reply (or is reset), never just a silent close;</li>
 * <li>the audit records of both say result=SSH_LOST, and FTB0238E reports the lost tunnels.</li>
 * </ul>
 * The positive control: a normal RETR over the same proxy ends with 226 and result=OK.
 */
@Timeout(90)
class Fault02LostSshTest {
    /** Far more than every buffer between the FTP server and the client holds (about 10 MB), so the cut is mid-transfer. */
    private static final int FILE_SIZE = 40 * 1024 * 1024;
    /** What the client reads before the SSH connection dies. */
    private static final int READ_BEFORE_CUT = 1024 * 1024;

    @TempDir
    Path dir;
    private LogCapture log;
    private TestFtpServer ftp;
    private final Deque<AutoCloseable> toClose = new ArrayDeque<>();

    @BeforeEach
    void setUp() throws Exception {
        log = new LogCapture();
        Path home = Files.createDirectories(dir.resolve("home"));
        byte[] content = new byte[FILE_SIZE];
        new Random(3).nextBytes(content);
        Files.write(home.resolve("big.bin"), content);
        ftp = TestFtpServer.start(home, Rig.USER, Rig.PASSWORD);
    }

    @AfterEach
    void tearDown() throws Exception {
        while (!toClose.isEmpty()) {
            toClose.pop().close();
        }
        ftp.close();
        log.close();
    }

    private <T extends AutoCloseable> T closeLater(T resource) {
        toClose.push(resource);
        return resource;
    }

    /** The embedded gateway with a TCP proxy in front of it, and a broker that reaches the gateway through the proxy. */
    private record ProxiedGateway(Gateway gateway, TcpProxy proxy, TestBroker broker) {
    }

    private ProxiedGateway proxiedGateway() throws Exception {
        Gateway gateway = closeLater(Rig.gateway(dir));
        TcpProxy proxy = closeLater(TcpProxy.start(gateway.port()));
        TestBroker broker = closeLater(Rig.broker(dir, "", Rig.forPort(gateway.knownHostsLine(), gateway.port(), proxy.port()),
                proxy.port(), ftp.port()));
        return new ProxiedGateway(gateway, proxy, broker);
    }

    @ParameterizedTest(name = "SSH connection cut with {0}")
    @EnumSource(TcpProxy.Cut.class)
    void aCutSshConnectionMidRetrIsNeverACleanEnd(TcpProxy.Cut cut) throws Exception {
        ProxiedGateway setup = proxiedGateway();
        retrLosesItsSshConnection(setup.broker(), "cut with " + cut, () -> {
            assertThat(setup.proxy().connections()).as("SSH connections through the proxy").isEqualTo(1);
            assertThat(setup.proxy().cutAll(cut)).as("SSH connections cut").isEqualTo(1);
        });
    }

    @Test
    void aKilledGatewayMidRetrIsNeverACleanEnd() throws Exception {
        GatewayProcess gateway = closeLater(GatewayProcess.start(dir));
        TestBroker broker = closeLater(Rig.broker(dir, "", gateway.knownHostsLine(), gateway.port(), ftp.port()));
        retrLosesItsSshConnection(broker, "lost with its gateway (killed)", gateway::kill);
    }

    /** The positive control: over the same proxy, a RETR that nothing breaks ends cleanly everywhere. */
    @Test
    void aRetrOverTheProxyThatNothingBreaksEndsWith226AndResultOk() throws Exception {
        ProxiedGateway setup = proxiedGateway();
        Rig.FtpClient client = Rig.login(setup.broker(), ftp.port());
        try {
            ByteArrayOutputStream received = new ByteArrayOutputStream(FILE_SIZE);
            assertThat(client.retrieveFile("big.bin", received)).as("RETR: %s", client.getReplyString()).isTrue();
            assertThat(client.getReplyString()).startsWith("226");
            assertThat(Rig.sha256(received.toByteArray())).isEqualTo(Rig.sha256(Files.readAllBytes(dir.resolve("home/big.bin"))));
            assertThat(client.logout()).isTrue();
        } finally {
            client.disconnect();
        }
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(Rig.controlRecord(log)).hasValueSatisfying(r -> assertThat(r).contains("result=OK"));
            assertThat(Rig.dataRecords(log)).singleElement().asString().contains("result=OK");
        });
        assertThat(setup.proxy().connections()).as("the tunnels went through the proxy, on one SSH connection").isEqualTo(1);
        assertThat(log.withId("FTB0238E")).isEmpty();
    }

    /**
     * Logs in, starts a RETR of the large file, reads its first MiB (the rest is still on its way),
     * lets {@code breakSsh} end the SSH connection, then checks what the client and the audit see.
     */
    private void retrLosesItsSshConnection(TestBroker broker, String how, ThrowingRunnable breakSsh) throws Exception {
        Rig.FtpClient client = Rig.login(broker, ftp.port());
        client.setReceieveDataSocketBufferSize(64 * 1024);
        SoftAssertions soft = new SoftAssertions();
        try {
            try (Socket data = client.openData("RETR", "big.bin")) {
                data.setSoTimeout(30_000);
                InputStream in = data.getInputStream();
                byte[] head = in.readNBytes(READ_BEFORE_CUT);
                assertThat(head).as("test precondition: the first MiB of the RETR").hasSize(READ_BEFORE_CUT);
                breakSsh.run();
                StreamEnd end = StreamEnd.drain(in);
                long total = head.length + end.bytes();
                soft.assertThat(end.kind()).as("the client's data connection after the SSH connection was %s, %d of %d bytes in: %s",
                        how, total, FILE_SIZE, end).isEqualTo(StreamEnd.Kind.RESET);
                soft.assertThat(total).as("test precondition: the SSH connection ended mid-transfer").isLessThan(FILE_SIZE);
            }
            List<String> control = controlAfterTheLoss(client);
            soft.assertThat(control.get(control.size() - 1))
                    .as("the control connection after the SSH connection was %s (a 421 or a reset, not a silent close); it said %s", how, control)
                    .matches(c -> c.startsWith("421") || c.startsWith("reset:"), "a 421 reply or a reset");
        } finally {
            try {
                client.disconnect();
            } catch (IOException e) {
                // gone already
            }
        }
        try {
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> Rig.controlRecord(log).isPresent() && !Rig.dataRecords(log).isEmpty());
        } catch (ConditionTimeoutException e) {
            soft.fail("no audit records of the control and the data connection within 20 s: " + log.withId("FTB0200I"));
        }
        List<String> data = Rig.dataRecords(log);
        soft.assertThat(data).as("the data connection's audit records").hasSize(1);
        data.forEach(r -> soft.assertThat(r).as("the data connection's audit record").contains("result=SSH_LOST"));
        soft.assertThat(Rig.controlRecord(log).orElse("(none)")).as("the control connection's audit record").contains("result=SSH_LOST");
        List<String> lost = log.withId("FTB0238E");
        soft.assertThat(lost).as("FTB0238E for the lost tunnels").isNotEmpty();
        lost.forEach(l -> soft.assertThat(l).as("FTB0238E").containsIgnoringCase("lost"));
        soft.assertAll();
    }

    /**
     * What the control connection says once the data connection is over: its replies up to a 421 or
     * its end, and how it ended. A transfer reply (426, 451) may come before the 421.
     */
    private static List<String> controlAfterTheLoss(Rig.FtpClient client) {
        List<String> seen = new java.util.ArrayList<>();
        String reply = Rig.completion(client);
        seen.add(reply);
        while (seen.size() < 4 && reply.matches("[1-5][0-9][0-9][ -].*") && !reply.startsWith("421")) {
            reply = Rig.nextReply(client);
            seen.add(reply);
        }
        return seen;
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    /**
     * {@code ftb gateway} in a JVM of its own ({@code org.ftb.cli.Main gateway --config FILE}), so that
     * it can be killed as a process. Its host key is made here first, so the known_hosts line is known
     * before it starts; its LISTEN port is a free one picked here (LISTEN takes no port 0), and it is
     * ready when it logs FTB0500I.
     */
    static final class GatewayProcess implements AutoCloseable {
        private final Process process;
        private final int port;
        private final KeyPair hostKey;
        private final List<String> output;

        private GatewayProcess(Process process, int port, KeyPair hostKey, List<String> output) {
            this.process = process;
            this.port = port;
            this.hostKey = hostKey;
            this.output = output;
        }

        static GatewayProcess start(Path dir) throws Exception {
            Path users = Rig.usersFile(dir);
            Path hostKeyFile = dir.resolve("gateway-process-hostkey");
            KeyPair hostKey = new SimpleGeneratorHostKeyProvider(hostKeyFile).loadKeys(null).iterator().next();
            // The test class path carries logback-test.xml (console at WARN); the gateway's FTB0500I is INFO.
            Path logback = dir.resolve("gateway-logback.xml");
            Files.writeString(logback, """
                    <configuration>
                      <statusListener class="ch.qos.logback.core.status.NopStatusListener"/>
                      <appender name="CONSOLE" class="ch.qos.logback.core.ConsoleAppender">
                        <encoder><pattern>%msg%n</pattern></encoder>
                      </appender>
                      <logger name="org.apache.sshd" level="WARN"/>
                      <root level="INFO"><appender-ref ref="CONSOLE"/></root>
                    </configuration>
                    """);
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> attempts = new CopyOnWriteArrayList<>();
            for (int attempt = 1; attempt <= 3; attempt++) {
                int port = freePort();
                Path config = dir.resolve("gateway-" + attempt + ".txt");
                Files.writeString(config, "GATEWAY LISTEN(127.0.0.1:" + port + ") HOSTKEY('" + hostKeyFile + "') USERS('" + users
                        + "') PERMIT(127.0.0.1:1-65535)\n");
                Process process = new ProcessBuilder(java, "-Xmx256m", "-Dlogback.configurationFile=" + logback,
                        "-cp", System.getProperty("java.class.path"), "org.ftb.cli.Main", "gateway", "--config", config.toString())
                        .redirectErrorStream(true).start();
                List<String> output = new CopyOnWriteArrayList<>();
                Thread reader = new Thread(() -> {
                    try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = lines.readLine()) != null) {
                            output.add(line);
                        }
                    } catch (IOException e) {
                        // the process is gone
                    }
                }, "gateway-process-output");
                reader.setDaemon(true);
                reader.start();
                await().atMost(Duration.ofSeconds(60)).until(() -> ready(output, port) || !process.isAlive());
                if (ready(output, port)) {
                    return new GatewayProcess(process, port, hostKey, output);
                }
                process.waitFor(10, TimeUnit.SECONDS);
                attempts.add("attempt " + attempt + " on port " + port + ": exit " + process.exitValue() + " " + output);
                // FTB0504E: the port was taken between our probe and its bind; try another.
            }
            throw new IllegalStateException("ftb gateway did not start: " + attempts);
        }

        private static boolean ready(List<String> output, int port) {
            return output.stream().anyMatch(l -> l.contains("FTB0500I") && l.contains("127.0.0.1:" + port));
        }

        private static int freePort() throws IOException {
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                return probe.getLocalPort();
            }
        }

        int port() {
            return port;
        }

        String knownHostsLine() {
            return "[127.0.0.1]:" + port + " " + PublicKeyEntry.toString(hostKey.getPublic());
        }

        /** SIGKILL: no goodbye on any of its connections but what the kernel sends when a process dies. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the gateway process died").isTrue();
        }

        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }

        @Override
        public String toString() {
            return "gateway process on port " + port + ": " + output;
        }
    }
}
