package org.ftb.net;

import org.ftb.auth.UserDirectory;
import org.ftb.testing.Bytes;
import org.ftb.testing.EchoServer;
import org.ftb.testing.LogCapture;
import org.ftb.testing.SocksClient;
import org.ftb.testing.TestBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.ftb.testing.SocksClient.loopback;
import static org.ftb.testing.SocksClient.read;
import static org.ftb.testing.SocksClient.send;

@Timeout(60)
class SocksServerTest {
    private static final byte[] HELLO = "hello through the broker\n".getBytes(StandardCharsets.US_ASCII);
    private EchoServer echo;
    private LogCapture log;

    @BeforeEach
    void setUp() throws IOException {
        echo = new EchoServer();
        log = new LogCapture();
    }

    @AfterEach
    void tearDown() throws Exception {
        log.close();
        echo.close();
    }

    private static String directTo(int port) {
        return "RULE NAME(ECHO) DEST(127.0.0.1 echo.test ::1) PORTS(" + port + ") ACTION(DIRECT)\n"
                + "RULE NAME(NOPE) DEST(*) ACTION(DENY)\n";
    }

    /** Names resolve only in this table: tests never depend on the machine's DNS. */
    private static Resolver table(Map<String, String> names) {
        return host -> {
            String address = names.get(host.toLowerCase());
            if (address == null) {
                throw new UnknownHostException(host);
            }
            return InetAddress.getByName(address);
        };
    }

    private static void assertEchoes(Socket socket) throws IOException {
        send(socket, HELLO);
        assertThat(read(socket, HELLO.length)).isEqualTo(HELLO);
    }

    @Test
    void socks4Socks4aAndSocks5AllRelay() throws Exception {
        try (TestBroker broker = TestBroker.start(directTo(echo.port()), table(Map.of("echo.test", "127.0.0.1")))) {
            try (Socket s = SocksClient.open(broker.port())) {
                send(s, Bytes.v4(1, loopback(), echo.port(), "JOB1"));
                assertThat(read(s, 8)).startsWith(0, 90);
                assertEchoes(s);
            }
            try (Socket s = SocksClient.open(broker.port())) {
                send(s, Bytes.v4a("JOB2", "echo.test", echo.port()));
                assertThat(read(s, 8)).startsWith(0, 90);
                assertEchoes(s);
            }
            try (Socket s = SocksClient.open(broker.port())) {
                byte[] reply = SocksClient.v5(s, Bytes.v5Ipv4(1, loopback(), echo.port()));
                assertThat(reply).startsWith(5, 0, 0, 1, 127, 0, 0, 1);
                assertEchoes(s);
            }
            try (Socket s = SocksClient.open(broker.port())) {
                assertThat(SocksClient.v5(s, Bytes.v5Domain(1, "ECHO.test", echo.port()))).startsWith(5, 0);
                assertEchoes(s);
            }
        }
        await().untilAsserted(() -> assertThat(log.withId("FTB0200I")).hasSize(4));
        // Each connection ends when both its peers have closed, so the records come in the order the ends happen.
        List<String> records = log.withId("FTB0200I").stream()
                .sorted(java.util.Comparator.comparing(r -> Integer.parseInt(r.split(" ")[1].substring(1)))).toList();
        assertThat(records.get(0)).matches(
                "FTB0200I C1 END client=127\\.0\\.0\\.1:\\d+ proto=SOCKS4 user=JOB1 dest=127\\.0\\.0\\.1:\\d+ addr=127\\.0\\.0\\.1 "
                        + "rule=ECHO action=DIRECT via=- up=25 down=25 ms=\\d+ result=OK");
        assertThat(records.get(1)).contains("proto=SOCKS4A user=JOB2 dest=echo.test:");
        assertThat(records.get(3)).contains("proto=SOCKS5 user=- dest=echo.test:", "addr=127.0.0.1");
    }

    @Test
    void socks5ToAnIpv6Destination() throws Exception {
        try (ServerSocket v6 = new ServerSocket(0, 5, InetAddress.getByName("::1"));
             TestBroker broker = TestBroker.start("RULE NAME(V6) DEST(::1) ACTION(DIRECT)")) {
            byte[] request = Bytes.of(5, 1, 0, 4).then(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1).port(v6.getLocalPort()).get();
            try (Socket s = SocksClient.open(broker.port()); Socket accepted = acceptLater(v6, s, request)) {
                accepted.getOutputStream().write('!');
                assertThat(s.getInputStream().read()).isEqualTo('!');
            }
        }
    }

    private static Socket acceptLater(ServerSocket server, Socket client, byte[] request) throws IOException {
        assertThat(SocksClient.v5(client, request)).startsWith(5, 0, 0, 4);
        return server.accept();
    }

    @Test
    void denyRuleGivesTheRulesetReplyInEachVersion() throws Exception {
        try (TestBroker broker = TestBroker.start(directTo(echo.port()))) {
            try (Socket s = SocksClient.open(broker.port())) {
                assertThat(SocksClient.v5(s, Bytes.v5Ipv4(1, loopback(), echo.port() + 1))).startsWith(5, 2);
                assertThat(s.getInputStream().read()).isEqualTo(-1);
            }
            try (Socket s = SocksClient.open(broker.port())) {
                send(s, Bytes.v4(1, new int[]{127, 0, 0, 2}, echo.port(), ""));
                assertThat(read(s, 8)).containsExactly(0, 91, 0, 0, 0, 0, 0, 0);
            }
        }
        assertThat(echo.connections()).isZero();
        await().untilAsserted(() -> assertThat(log.withId("FTB0205I")).hasSize(2));
        assertThat(log.withId("FTB0205I").get(0)).endsWith("denied: rule NOPE (line 2): DEST * matches 127.0.0.1, PORTS * matches "
                + (echo.port() + 1) + ", ACTION(DENY)");
    }

    @Test
    void connectFailuresGetPreciseReplies() throws Exception {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        String rules = "BROKER CONNECTTIMEOUT(1)\nRULE NAME(ALL) ACTION(DIRECT)";
        try (TestBroker broker = TestBroker.start(rules, table(Map.of()))) {
            try (Socket s = SocksClient.open(broker.port())) {
                assertThat(SocksClient.v5(s, Bytes.v5Ipv4(1, loopback(), closedPort))).startsWith(5, 5);
            }
            try (Socket s = SocksClient.open(broker.port())) {
                assertThat(SocksClient.v5(s, Bytes.v5Domain(1, "no.such.host", 21))).startsWith(5, 4);
            }
            try (Socket s = SocksClient.open(broker.port())) {
                send(s, Bytes.v4a("", "no.such.host", 21));
                assertThat(read(s, 8)).startsWith(0, 91);
            }
        }
        assertThat(log.withId("FTB0206W")).singleElement().asString().endsWith("cannot connect to 127.0.0.1:" + closedPort + ": connection refused");
        assertThat(log.withId("FTB0208W")).hasSize(2).allMatch(l -> l.endsWith("cannot resolve no.such.host: unknown host"));
    }

    @Test
    void connectTimeoutGivesTtlExpired() throws Exception {
        // A listener that never accepts, its backlog filled: Linux then drops new SYNs, so a connect hangs.
        try (ServerSocket blackhole = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> fillers = new ArrayList<>();
            try (TestBroker broker = TestBroker.start("BROKER CONNECTTIMEOUT(1)\nRULE NAME(ALL) ACTION(DIRECT)")) {
                for (int i = 0; i < 8; i++) {
                    Socket filler = new Socket();
                    fillers.add(filler);
                    try {
                        filler.connect(blackhole.getLocalSocketAddress(), 200);
                    } catch (IOException e) {
                        break; // the backlog is full
                    }
                }
                try (Socket s = SocksClient.open(broker.port())) {
                    long start = System.nanoTime();
                    assertThat(SocksClient.v5(s, Bytes.v5Ipv4(1, loopback(), blackhole.getLocalPort()))).startsWith(5, 6);
                    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
                }
            } finally {
                for (Socket filler : fillers) {
                    filler.close();
                }
            }
        }
        assertThat(log.withId("FTB0206W")).singleElement().asString().endsWith("no answer within CONNECTTIMEOUT(1)");
    }

    @Test
    void unsupportedCommandsAndAddressTypesOverRealSockets() throws Exception {
        try (TestBroker broker = TestBroker.start(directTo(echo.port()))) {
            try (Socket s = SocksClient.open(broker.port())) {
                assertThat(SocksClient.v5(s, Bytes.v5Ipv4(2, loopback(), echo.port()))).startsWith(5, 7);
            }
            try (Socket s = SocksClient.open(broker.port())) {
                assertThat(SocksClient.v5(s, Bytes.v5Ipv4(3, loopback(), echo.port()))).startsWith(5, 7);
            }
            try (Socket s = SocksClient.open(broker.port())) {
                send(s, Bytes.of(5, 1, 0).get());
                read(s, 2);
                send(s, Bytes.of(5, 1, 0, 9, 1, 2, 3, 4, 0, 21).get());
                assertThat(read(s, 10)).startsWith(5, 8);
            }
            try (Socket s = SocksClient.open(broker.port())) {
                send(s, Bytes.v4(2, loopback(), echo.port(), ""));
                assertThat(read(s, 8)).startsWith(0, 91);
            }
        }
        assertThat(log.withId("FTB0203W")).hasSize(4);
    }

    @Test
    void requestsSentOneByteAtATimeWork() throws Exception {
        try (TestBroker broker = TestBroker.start(directTo(echo.port()));
             Socket s = SocksClient.open(broker.port())) {
            byte[] all = Bytes.of(5, 1, 0).then(Bytes.v5Domain(1, "127.0.0.1", echo.port())).get();
            for (int i = 0; i < all.length; i++) {
                send(s, new byte[]{all[i]});
                if (i == 2) {
                    assertThat(read(s, 2)).containsExactly(5, 0);
                }
                Thread.sleep(5);
            }
            assertThat(SocksClient.v5Reply(s)).startsWith(5, 0);
            assertEchoes(s);
        }
    }

    @Test
    void payloadPipelinedWithTheRequestIsRelayedFirst() throws Exception {
        try (TestBroker broker = TestBroker.start(directTo(echo.port()));
             Socket s = SocksClient.open(broker.port())) {
            send(s, Bytes.of(5, 1, 0).then(Bytes.v5Ipv4(1, loopback(), echo.port())).then(HELLO).get());
            assertThat(read(s, 2)).containsExactly(5, 0);
            assertThat(SocksClient.v5Reply(s)).startsWith(5, 0);
            assertThat(read(s, HELLO.length)).isEqualTo(HELLO);
            send(s, Bytes.v4(1, loopback(), 1, "")); // later bytes are data, not SOCKS
            assertThat(read(s, 9)).isEqualTo(Bytes.v4(1, loopback(), 1, ""));
        }
    }

    @Test
    void halfCloseIsPassedOnWhileTheOtherDirectionKeepsFlowing() throws Exception {
        try (ServerSocket upstream = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
             TestBroker broker = TestBroker.start(directTo(upstream.getLocalPort()));
             Socket s = SocksClient.open(broker.port())) {
            assertThat(SocksClient.v5(s, Bytes.v5Ipv4(1, loopback(), upstream.getLocalPort()))).startsWith(5, 0);
            try (Socket server = upstream.accept()) {
                send(s, HELLO);
                s.shutdownOutput();
                InputStream fromClient = server.getInputStream();
                assertThat(fromClient.readAllBytes()).isEqualTo(HELLO); // the client's EOF arrived
                byte[] answer = new byte[200_000];
                java.util.Arrays.fill(answer, (byte) 'x');
                server.getOutputStream().write(answer); // ...and this direction still flows
                server.shutdownOutput();
                assertThat(SocksClient.readAll(s)).isEqualTo(answer);
            }
        }
        await().untilAsserted(() -> assertThat(log.withId("FTB0200I")).singleElement().asString()
                .contains("up=25 down=200000", "result=OK"));
    }

    @Test
    void aBrokenUpstreamResetsTheClientInsteadOfEndingCleanly() throws Exception {
        try (ServerSocket upstream = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
             TestBroker broker = TestBroker.start(directTo(upstream.getLocalPort()));
             Socket s = SocksClient.open(broker.port())) {
            assertThat(SocksClient.v5(s, Bytes.v5Ipv4(1, loopback(), upstream.getLocalPort()))).startsWith(5, 0);
            Socket server = upstream.accept();
            server.getOutputStream().write("partial".getBytes(StandardCharsets.US_ASCII));
            server.setSoLinger(true, 0);
            server.close(); // RST mid-transfer
            assertThat(read(s, 7)).isEqualTo("partial".getBytes(StandardCharsets.US_ASCII));
            assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketException.class);
        }
        await().untilAsserted(() -> assertThat(log.withId("FTB0200I")).singleElement().asString().endsWith("result=SERVER_RESET"));
    }

    @Test
    void maxSessionsIsEnforcedWithAReplyAndAMessage() throws Exception {
        try (TestBroker broker = TestBroker.start("BROKER MAXSESSIONS(2)\n" + directTo(echo.port()));
             Socket a = SocksClient.open(broker.port()); Socket b = SocksClient.open(broker.port())) {
            SocksClient.v5(a, Bytes.v5Ipv4(1, loopback(), echo.port()));
            SocksClient.v5(b, Bytes.v5Ipv4(1, loopback(), echo.port()));
            try (Socket c = SocksClient.open(broker.port())) {
                assertThat(SocksClient.v5(c, Bytes.v5Ipv4(1, loopback(), echo.port()))).startsWith(5, 1);
            }
            assertEchoes(a);
            assertEchoes(b);
            a.close();
            await().until(() -> broker.broker().status().activeSessions() == 1);
            try (Socket d = SocksClient.open(broker.port())) {
                assertThat(SocksClient.v5(d, Bytes.v5Ipv4(1, loopback(), echo.port()))).startsWith(5, 0);
                assertEchoes(d);
            }
        }
        assertThat(log.withId("FTB0201W")).singleElement().asString().endsWith("refused: MAXSESSIONS(2) reached");
    }

    @Test
    void incompleteHandshakesAreClosedAfterHandshakeTimeout() throws Exception {
        try (TestBroker broker = TestBroker.start("BROKER HANDSHAKETIMEOUT(1)\n" + directTo(echo.port()));
             Socket silent = SocksClient.open(broker.port()); Socket partial = SocksClient.open(broker.port())) {
            send(partial, Bytes.of(5, 2, 0).get()); // one method byte short
            assertThat(endOfStreamOrReset(silent)).isTrue();
            assertThat(endOfStreamOrReset(partial)).isTrue();
            await().until(() -> broker.broker().status().activeSessions() == 0);
        }
        assertThat(log.withId("FTB0202W")).hasSize(2);
        await().untilAsserted(() -> assertThat(log.withId("FTB0200I")).allMatch(l -> l.endsWith("result=HANDSHAKE_TIMEOUT")));
    }

    private static boolean endOfStreamOrReset(Socket socket) {
        try {
            return socket.getInputStream().read() == -1;
        } catch (SocketException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void idleRelaysAreClosedAfterIdleTimeout() throws Exception {
        try (TestBroker broker = TestBroker.start("BROKER IDLETIMEOUT(1)\n" + directTo(echo.port()));
             Socket s = SocksClient.open(broker.port())) {
            SocksClient.v5(s, Bytes.v5Ipv4(1, loopback(), echo.port()));
            assertEchoes(s);
            long start = System.nanoTime();
            assertThat(endOfStreamOrReset(s)).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(5));
        }
        await().untilAsserted(() -> assertThat(log.withId("FTB0207I")).hasSize(1));
        await().untilAsserted(() -> assertThat(log.withId("FTB0200I")).singleElement().asString().endsWith("result=IDLE"));
    }

    @Test
    void userPasswordAuthenticationAgainstTheUsersFile(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("users"), List.of(UserDirectory.entry("job1", "s3cret".toCharArray(), 10_000)));
        String config = "SOCKS VERSIONS(5) AUTH(USERPASS) USERS('" + dir.resolve("users") + "')\n" + directTo(echo.port());
        try (TestBroker broker = TestBroker.start(config)) {
            try (Socket s = SocksClient.open(broker.port())) {
                send(s, Bytes.of(5, 2, 0, 2).get());
                assertThat(read(s, 2)).containsExactly(5, 2);
                send(s, Bytes.of(1, 4).text("job1").then(6).text("s3cret").get());
                assertThat(read(s, 2)).containsExactly(1, 0);
                send(s, Bytes.v5Ipv4(1, loopback(), echo.port()));
                assertThat(SocksClient.v5Reply(s)).startsWith(5, 0);
                assertEchoes(s);
            }
            try (Socket s = SocksClient.open(broker.port())) {
                send(s, Bytes.of(5, 1, 2).then(1, 4).text("job1").then(5).text("wrong").get());
                assertThat(read(s, 2)).containsExactly(5, 2);
                assertThat(read(s, 2)).containsExactly(1, 1);
                assertThat(s.getInputStream().read()).isEqualTo(-1);
            }
            try (Socket s = SocksClient.open(broker.port())) {
                send(s, Bytes.v4(1, loopback(), echo.port(), "job1"));
                assertThat(read(s, 8)).startsWith(0, 91);
            }
        }
        assertThat(log.withId("FTB0204W")).singleElement().asString().endsWith("refused: SOCKS user job1 failed authentication");
        assertThat(log.lines()).noneMatch(l -> l.contains("s3cret") || l.contains("wrong"));
    }

    @Test
    void stopDrainsActiveSessionsAndRefusesNewOnes() throws Exception {
        TestBroker broker = TestBroker.start("BROKER STOPTIMEOUT(30)\n" + directTo(echo.port()));
        int port = broker.port();
        try (Socket active = SocksClient.open(port)) {
            SocksClient.v5(active, Bytes.v5Ipv4(1, loopback(), echo.port()));
            assertThat(broker.broker().stop("test")).isTrue();
            assertThatThrownBy(() -> SocksClient.open(port).close()).isInstanceOf(IOException.class);
            assertEchoes(active); // still relaying during the drain
            assertThat(broker.broker().status().stopping()).isTrue();
            assertThat(broker.broker().awaitStopped(Duration.ofMillis(300))).isFalse();
        }
        assertThat(broker.broker().awaitStopped(Duration.ofSeconds(10))).isTrue();
        assertThat(log.withId("FTB0004I")).singleElement().asString()
                .isEqualTo("FTB0004I STOP from test: accepting no new connections; waiting up to 30 s for 1 active session(s) and 0 held upload(s)");
        assertThat(log.withId("FTB0005I")).singleElement().asString().isEqualTo("FTB0005I Broker stopped; 0 session(s) were ended by the stop");
    }

    @Test
    void aSecondStopEndsEverySessionAtOnce() throws Exception {
        TestBroker broker = TestBroker.start("BROKER STOPTIMEOUT(600)\n" + directTo(echo.port()));
        try (Socket active = SocksClient.open(broker.port())) {
            SocksClient.v5(active, Bytes.v5Ipv4(1, loopback(), echo.port()));
            broker.broker().stop("first");
            assertThat(broker.broker().stop("second")).isFalse();
            assertThat(endOfStreamOrReset(active)).isTrue();
            assertThat(broker.broker().awaitStopped(Duration.ofSeconds(10))).isTrue();
        }
        await().untilAsserted(() -> assertThat(log.withId("FTB0200I")).singleElement().asString().endsWith("result=STOPPED"));
        assertThat(log.withId("FTB0008W")).singleElement().asString().isEqualTo("FTB0008W STOP again from second: ending 1 session(s) now");
        assertThat(log.withId("FTB0009W")).as("no time limit was reached").isEmpty();
        assertThat(log.withId("FTB0005I")).singleElement().asString().isEqualTo("FTB0005I Broker stopped; 1 session(s) were ended by the stop");
    }

    @Test
    void aListenAddressInUseFailsTheStartAndLeavesNothingRunning() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            long threadsBefore = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("ftb-")).count();
            org.ftb.config.BrokerConfig config = org.ftb.config.ConfigFixtures.config(
                    "SOCKS LISTEN(127.0.0.1:" + taken.getLocalPort() + ")\nRULE NAME(A) ACTION(DENY)");
            assertThatThrownBy(() -> org.ftb.app.Broker.start(config, Resolver.system(), "test"))
                    .isInstanceOf(org.ftb.broker.SocksServer.ListenException.class);
            assertThat(log.withId("FTB0006E")).singleElement().asString()
                    .startsWith("FTB0006E Cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": ");
            await().untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("ftb-") && t.isAlive()).count()).isLessThanOrEqualTo(threadsBefore));
        }
    }
}
