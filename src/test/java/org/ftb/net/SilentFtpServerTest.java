package org.ftb.net;

import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPConnectionClosedException;
import org.ftb.gateway.Gateway;
import org.ftb.testing.LogCapture;
import org.ftb.testing.TcpProxy;
import org.ftb.testing.TestBroker;
import org.ftb.testing.TestFtpServer;
import org.ftb.testing.TestSshServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * An FTP server that accepted the tunnel's connection and says nothing: its listen queue overflowed
 * (vsftpd listens with a backlog of 32; a batch window starts hundreds of jobs at once), so it never
 * accepted the connection the SSH server made. The broker connects again at each third of
 * CONNECTTIMEOUT while nothing has passed (FTB0248W), keeps the connections it has, and the session
 * goes on with the first whose server speaks. Real parts: Apache FtpServer behind a TCP forwarder that
 * holds back the server's bytes on chosen connections, the embedded gateway or a key-authenticated
 * MINA SSH server, Commons Net through SOCKS.
 */
@Timeout(120)
class SilentFtpServerTest {
    private static final String USER = "job1";
    private static final String PASSWORD = "silent-Pa55";
    private static final Duration NEVER = Duration.ofMinutes(10);

    @TempDir
    Path dir;
    private LogCapture log;
    private TestFtpServer ftp;
    private TcpProxy front;
    private byte[] content;

    @BeforeEach
    void setUp() throws Exception {
        log = new LogCapture();
        Path home = Files.createDirectories(dir.resolve("home"));
        content = new byte[3 * 1024 * 1024 + 17];
        new Random(248).nextBytes(content);
        Files.write(home.resolve("pay.bin"), content);
        ftp = TestFtpServer.start(home, USER, PASSWORD);
        front = TcpProxy.start(ftp.port());
    }

    @AfterEach
    void tearDown() throws Exception {
        front.close();
        ftp.close();
        log.close();
    }

    /** Logs in through the broker to the server behind the forwarder, fetches and stores a file, logs out. */
    private void transfer(TestBroker broker) throws Exception {
        FTPClient client = new FTPClient();
        client.setProxy(new Proxy(Proxy.Type.SOCKS, new InetSocketAddress("127.0.0.1", broker.port())));
        client.setDefaultTimeout(30_000);
        client.connect("127.0.0.1", front.port());
        try {
            assertThat(client.login(USER, PASSWORD)).as("login: %s", client.getReplyString()).isTrue();
            client.enterLocalPassiveMode();
            assertThat(client.setFileType(FTP.BINARY_FILE_TYPE)).isTrue();
            ByteArrayOutputStream back = new ByteArrayOutputStream();
            assertThat(client.retrieveFile("pay.bin", back)).as("RETR: %s", client.getReplyString()).isTrue();
            assertThat(back.toByteArray()).as("the file as fetched").isEqualTo(content);
            assertThat(client.storeFile("copy.bin", new ByteArrayInputStream(content))).as("STOR: %s", client.getReplyString()).isTrue();
            assertThat(client.logout()).isTrue();
        } finally {
            client.disconnect();
        }
    }

    private TestBroker passwordBroker(Gateway gateway, String brokerStatement) throws Exception {
        Path knownHosts = dir.resolve("known_hosts");
        Files.writeString(knownHosts, gateway.knownHostsLine() + "\n");
        return TestBroker.start(brokerStatement + "\nSSHHOST NAME(GW) HOST(127.0.0.1) PORT(" + gateway.port() + ") KNOWNHOSTS('" + knownHosts + "')\n"
                + "RULE NAME(FTP) DEST(127.0.0.1) PORTS(" + front.port() + ") ACTION(FTPTUNNEL) VIA(GW)\n");
    }

    @Test
    void aServerThatNeverTookTheFirstConnectionIsReachedByTheSecond() throws Exception {
        front.holdReplies(NEVER);
        try (Gateway gateway = org.ftb.testing.TestGateway.start(dir, USER, PASSWORD);
             TestBroker broker = passwordBroker(gateway, "BROKER CONNECTTIMEOUT(3)")) {
            transfer(broker);
            assertThat(log.withId("FTB0248W")).singleElement().asString()
                    .contains("FTP server 127.0.0.1:" + front.port() + " has said nothing for 1.0 s", "(connection 2 of 3)");
            await("every connection to the server closed").atMost(Duration.ofSeconds(20)).until(() -> front.openConnections() == 0);
            assertThat(front.connections()).as("control connections the server was given").isEqualTo(2);
            await().atMost(Duration.ofSeconds(20)).until(() -> log.withId("FTB0200I").stream().anyMatch(l -> l.contains("action=FTPTUNNEL")));
            assertThat(log.withId("FTB0200I")).filteredOn(l -> l.contains("action=FTPTUNNEL")).singleElement().asString()
                    .contains("result=OK", "transfers=2");
            assertThat(log.withId("FTB0251I")).hasSize(2).allMatch(l -> l.endsWith("result=OK"));
        }
    }

    @Test
    void aSlowServerKeepsTheConnectionThatItAnsweredFirst() throws Exception {
        // The first connection's greeting comes late, after the broker connected again; the second is never answered.
        front.holdReplies(Duration.ofMillis(1800), NEVER);
        Path key = dir.resolve("id_rsa");
        KeyPair pair = TestSshServer.writeRsaKey(key);
        try (TestSshServer keyed = TestSshServer.start(dir, Map.of(), pair.getPublic(), true)) {
            Path knownHosts = dir.resolve("known_hosts_keyed");
            Files.writeString(knownHosts, keyed.knownHostsLine() + "\n");
            try (TestBroker broker = TestBroker.start("BROKER CONNECTTIMEOUT(3)\nSSHHOST NAME(K) HOST(127.0.0.1) PORT(" + keyed.port()
                    + ") KNOWNHOSTS('" + knownHosts + "') USER(svc) KEY('" + key + "')\n"
                    + "RULE NAME(FTPK) DEST(127.0.0.1) ACTION(FTPTUNNEL) VIA(K) AUTH(KEY)\n")) {
                FTPClient client = new FTPClient();
                client.setProxy(new Proxy(Proxy.Type.SOCKS, new InetSocketAddress("127.0.0.1", broker.port())));
                client.setDefaultTimeout(30_000);
                client.connect("127.0.0.1", front.port());
                try {
                    assertThat(client.getReplyCode()).as("the first connection's greeting").isEqualTo(220);
                    await("the unanswered second connection let go").atMost(Duration.ofSeconds(20)).until(() -> front.openConnections() == 1);
                    assertThat(client.login(USER, PASSWORD)).isTrue();
                    client.enterLocalPassiveMode();
                    client.setFileType(FTP.BINARY_FILE_TYPE);
                    ByteArrayOutputStream back = new ByteArrayOutputStream();
                    assertThat(client.retrieveFile("pay.bin", back)).isTrue();
                    assertThat(back.toByteArray()).isEqualTo(content);
                } finally {
                    client.disconnect();
                }
            }
            assertThat(front.connections()).isEqualTo(2);
            assertThat(log.withId("FTB0248W")).singleElement().asString().contains("(connection 2 of 3)");
        }
    }

    @Test
    void aServerSilentOnEveryConnectionGetsThreeThenTheClientA421() throws Exception {
        front.holdReplies(NEVER, NEVER, NEVER, NEVER);
        try (Gateway gateway = org.ftb.testing.TestGateway.start(dir, USER, PASSWORD);
             TestBroker broker = passwordBroker(gateway, "BROKER CONNECTTIMEOUT(3)")) {
            FTPClient client = new FTPClient();
            client.setProxy(new Proxy(Proxy.Type.SOCKS, new InetSocketAddress("127.0.0.1", broker.port())));
            client.setDefaultTimeout(30_000);
            client.connect("127.0.0.1", front.port());
            try {
                assertThatThrownBy(() -> client.login(USER, PASSWORD)).isInstanceOf(FTPConnectionClosedException.class);
                assertThat(client.getReplyString()).startsWith("421").contains("did not answer within 3 s");
            } finally {
                client.disconnect();
            }
            assertThat(log.withId("FTB0248W")).hasSize(2);
            assertThat(log.withId("FTB0248W").get(1)).contains("has said nothing for 2.0 s", "(connection 3 of 3)");
            assertThat(log.withId("FTB0234E")).singleElement().asString().contains("did not answer within 3 s");
            await("every connection to the server closed").atMost(Duration.ofSeconds(20)).until(() -> front.openConnections() == 0);
            assertThat(front.connections()).isEqualTo(3);
        }
    }
}
