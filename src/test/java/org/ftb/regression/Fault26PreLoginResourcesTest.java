package org.ftb.regression;

import org.ftb.testing.Bytes;
import org.ftb.testing.SocksClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Security finding: clients that never log in held every slot (a byte every few seconds kept each one
 * young), and one session could open data ports without end. A login now has a deadline from the
 * accept, connections waiting to log in have their own limit, and a session holds only a few data ports.
 */
@Timeout(180)
class Fault26PreLoginResourcesTest {
    @TempDir
    Path dir;
    private FtpRig rig;
    private final List<Socket> idle = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        rig = FtpRig.start(dir);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (Socket s : idle) {
            s.close();
        }
        rig.close();
    }

    @Test
    void aClientThatTricklesBytesWithoutLoggingInIsEndedAtLoginTimeout() throws Exception {
        rig.brokerWith("BROKER LOGINTIMEOUT(2) IDLETIMEOUT(600)\n" + rig.sshHost("") + rig.ftpRule());
        try (FtpRig.Control c = rig.connect()) {
            assertThat(c.line()).startsWith("220 ");
            // A byte every 300 ms, never a whole line: the idle clock never runs out, the login clock does.
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            InputStream in = c.socket.getInputStream();
            while (in.available() == 0 && System.nanoTime() < deadline) {
                try {
                    c.sendRaw(new byte[]{'U'});
                } catch (IOException e) {
                    break; // closed under the write: the reply is read below
                }
                Thread.sleep(300);
            }
            assertThat(c.line()).isEqualTo("421 Login not complete within 2 s");
        }
        assertThat(rig.log.withId("FTB0211W")).singleElement().asString().contains("not logged in within 2 s");
        assertThat(rig.awaitAudit(l -> l.contains("action=FTPTUNNEL"), Duration.ofSeconds(10))).contains("result=LOGIN_TIMEOUT");
    }

    /** 3,000 connections that stall in their SOCKS handshake, or stop at the FTP greeting, as a flood would leave them. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"handshake", "greeting"})
    void aClientIsServedWhileThreeThousandConnectionsWaitToLogIn(String stalledAt) throws Exception {
        rig.broker("");
        for (int i = 0; i < 3000; i++) {
            Socket s = SocksClient.open(rig.brokerPort());
            idle.add(s);
            try {
                if (stalledAt.equals("handshake")) {
                    SocksClient.send(s, Bytes.of(5, 1).get()); // a greeting cut short: the broker waits for its method
                } else {
                    SocksClient.v5(s, Bytes.v5Ipv4(1, SocksClient.loopback(), rig.ftp.port()));
                }
            } catch (IOException e) {
                // an older one that made room, or the busy reply: either way it holds nothing now
            }
        }
        try (FtpRig.Control c = rig.login()) {
            c.send("NOOP");
            assertThat(c.line()).startsWith("200");
        }
        assertThat(rig.log.withId("FTB0212W")).as("the oldest made room").isNotEmpty();
    }

    @Test
    void aPasvFloodGets425AfterThePerSessionLimit() throws Exception {
        rig.broker("");
        List<Socket> data = new ArrayList<>();
        try (FtpRig.Control c = rig.login()) {
            for (int i = 0; i < 4; i++) {
                c.send("PASV");
                String reply = c.line();
                assertThat(reply).startsWith("227");
                data.add(rig.socksData(SocksClient.loopback(), DataPortRig.pasvPort(reply)));
            }
            c.send("PASV");
            assertThat(c.line()).startsWith("425 ").contains("4 data connections open already");
            assertThat(rig.log.withId("FTB0239W")).anyMatch(l -> l.contains("4 data connections open already"));
            // One ends (a reset: a clean close only half-closes it): the session may announce a port again.
            Socket ended = data.remove(0);
            ended.setSoLinger(true, 0);
            ended.close();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                c.send("PASV");
                return c.line().startsWith("227");
            });
        } finally {
            for (Socket s : data) {
                s.close();
            }
        }
    }

    @Test
    void aDataRangeThatRunsOutGets425AndAMessage() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        rig.broker("DATA PORTS(" + port + ")\n");
        try (FtpRig.Control first = rig.login(); FtpRig.Control second = rig.login()) {
            first.send("PASV");
            assertThat(DataPortRig.pasvPort(first.line())).isEqualTo(port);
            second.send("PASV");
            assertThat(second.line()).startsWith("425 ").contains("every DATA port in " + port + " is in use");
            assertThat(rig.log.withId("FTB0239W")).anyMatch(l -> l.contains("is in use"));
            second.send("NOOP");
            assertThat(second.line()).as("the session goes on").startsWith("200");
        }
    }

    /**
     * A login the broker is making (here an SSH login to a host that never answers) keeps its place for
     * a while: a client that connects and says nothing makes room, and when every place is such a login
     * the new connection is refused instead; past the grace, the login under way longest makes room.
     */
    @Test
    void aLoginUnderWayKeepsItsPlaceAndIdleOnesMakeRoom() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            List<Socket> dialled = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        dialled.add(silent.accept()); // and never a word: the SSH login waits
                    }
                } catch (IOException e) {
                    // closed at the end
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            rig.brokerWith("BROKER MAXPRELOGIN(2) CONNECTTIMEOUT(5)\n"
                    + "SSHHOST NAME(GW) HOST(127.0.0.1) PORT(" + silent.getLocalPort() + ") KNOWNHOSTS('" + rig.knownHosts + "')\n"
                    + rig.ftpRule());
            try (FtpRig.Control first = loginUnderWay("u1")) {
                await().atMost(Duration.ofSeconds(10)).until(() -> dialled.size() == 1);
                // Accepted in the order they connect: C2, then C3.
                Socket waiting = SocksClient.open(rig.brokerPort());
                idle.add(waiting);
                Socket next = SocksClient.open(rig.brokerPort());
                idle.add(next);
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(rig.log.withId("FTB0212W"))
                        .singleElement().asString().startsWith("FTB0212W C2 "));
                assertThat(endsWithNothing(waiting)).as("the one waiting on its client made room").isTrue();

                try (FtpRig.Control second = loginUnderWay("u2")) {
                    await().atMost(Duration.ofSeconds(10)).until(() -> dialled.size() == 2);
                    assertThat(rig.log.withId("FTB0212W")).hasSize(2).last().asString().startsWith("FTB0212W C3 ");
                    // Both logins have been under way for well under the grace (1.5 s): a newcomer is refused.
                    try (Socket refused = SocksClient.open(rig.brokerPort())) {
                        assertThat(endsWithNothing(refused)).as("the new connection is closed at once").isTrue();
                    }
                    assertThat(rig.log.withId("FTB0213W")).singleElement().asString().contains("MAXPRELOGIN(2)");
                    // Past the grace, a login that slow (as a wrong password's is) gives its place: the longest under way.
                    Thread.sleep(2000);
                    Socket late = SocksClient.open(rig.brokerPort());
                    idle.add(late);
                    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(rig.log.withId("FTB0212W"))
                            .hasSize(3).last().asString().startsWith("FTB0212W C1 "));
                    assertThat(endsWithNothing(first.socket)).as("the first login, under way longest, made room").isTrue();
                    assertThat(second.line(Duration.ofSeconds(30))).startsWith("421 ");
                }
            } finally {
                for (Socket s : dialled) {
                    s.close();
                }
            }
        }
    }

    /** True when the connection ends (closed or reset) before any byte comes. */
    private static boolean endsWithNothing(Socket s) throws IOException {
        try {
            return s.getInputStream().read() == -1;
        } catch (java.net.SocketException e) {
            return true;
        }
    }

    /** Through SOCKS, greeted, USER and PASS sent: the broker is now making the SSH login. */
    private FtpRig.Control loginUnderWay(String user) throws IOException {
        FtpRig.Control c = rig.connect();
        assertThat(c.line()).startsWith("220 ");
        c.send("USER " + user);
        assertThat(c.line()).startsWith("331");
        c.send("PASS secret");
        return c;
    }
}
