package org.ftb.net;

import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPFile;
import org.ftb.config.GatewaySettings;
import org.ftb.gateway.Gateway;
import org.ftb.testing.LogCapture;
import org.ftb.testing.TestBroker;
import org.ftb.testing.TestFtpServer;
import org.ftb.testing.TestSshServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * FTPTUNNEL with AUTH(FTPLOGIN), end to end on real sockets: Commons Net FTPClient through SOCKS →
 * broker → embedded MINA SSH server (password login with the FTP credentials) → Apache FtpServer.
 */
@Timeout(120)
class FtpTunnelTest {
    private static final String USER = "job1";
    private static final String PASSWORD = "s3cret-Pa55";

    @TempDir
    Path dir;
    private TestFtpServer ftp;
    private Gateway ssh;
    private TestBroker broker;
    private LogCapture log;

    @BeforeEach
    void setUp() throws Exception {
        log = new LogCapture();
        Path home = Files.createDirectories(dir.resolve("home"));
        ftp = TestFtpServer.start(home, USER, PASSWORD);
        ssh = org.ftb.testing.TestGateway.start(dir, USER, PASSWORD);
        Path knownHosts = dir.resolve("known_hosts");
        Files.writeString(knownHosts, ssh.knownHostsLine() + "\n");
        broker = TestBroker.start("SSHHOST NAME(GW) HOST(127.0.0.1) PORT(" + ssh.port() + ") KNOWNHOSTS('" + knownHosts + "')\n"
                + "RULE NAME(FTP) DEST(127.0.0.1) PORTS(" + ftp.port() + ") ACTION(FTPTUNNEL) VIA(GW)\n");
    }

    @AfterEach
    void tearDown() throws Exception {
        broker.close();
        ssh.close();
        ftp.close();
        log.close();
    }

    private FTPClient client(int socksVersion) throws Exception {
        FTPClient client = new FTPClient();
        client.setProxy(new Proxy(Proxy.Type.SOCKS, new InetSocketAddress("127.0.0.1", broker.port())));
        client.setConnectTimeout(10_000);
        client.setDefaultTimeout(20_000);
        String previous = System.getProperty("socksProxyVersion");
        System.setProperty("socksProxyVersion", Integer.toString(socksVersion));
        try {
            client.connect("127.0.0.1", ftp.port());
        } finally {
            if (previous == null) {
                System.clearProperty("socksProxyVersion");
            } else {
                System.setProperty("socksProxyVersion", previous);
            }
        }
        return client;
    }

    private static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }

    @ParameterizedTest(name = "SOCKS {0}, EPSV {1}")
    @CsvSource({"5, false", "5, true", "4, false", "4, true"})
    void loginListStoreAndRetrieveThroughTheTunnel(int socksVersion, boolean epsv) throws Exception {
        FTPClient client = client(socksVersion);
        System.setProperty("socksProxyVersion", Integer.toString(socksVersion));
        try {
            assertThat(client.getReplyCode()).isEqualTo(220);
            assertThat(client.login(USER, PASSWORD)).isTrue();
            client.enterLocalPassiveMode();
            client.setUseEPSVwithIPv4(epsv);
            assertThat(client.setFileType(FTP.BINARY_FILE_TYPE)).isTrue();
            Random random = new Random(socksVersion * 2L + (epsv ? 1 : 0));
            for (int size : new int[]{0, 1, 10 * 1024 * 1024}) {
                byte[] content = new byte[size];
                random.nextBytes(content);
                String name = "file-" + size + ".bin";
                assertThat(client.storeFile(name, new ByteArrayInputStream(content))).as("STOR %s: %s", name, client.getReplyString()).isTrue();
                ByteArrayOutputStream back = new ByteArrayOutputStream();
                assertThat(client.retrieveFile(name, back)).as("RETR %s: %s", name, client.getReplyString()).isTrue();
                assertThat(sha256(back.toByteArray())).isEqualTo(sha256(content));
            }
            FTPFile[] files = client.listFiles();
            assertThat(files).extracting(FTPFile::getName).contains("file-0.bin", "file-1.bin", "file-10485760.bin");
            assertThat(client.logout()).isTrue();
        } finally {
            System.clearProperty("socksProxyVersion");
            client.disconnect();
        }
        assertThat(log.withId("FTB0230I")).singleElement().asString().contains("FTP user job1 logged in to 127.0.0.1:" + ftp.port(), "via GW");
        // Every connection the FTP server saw came through the gateway: 1 control + 3 STOR + 3 RETR + 1 LIST.
        assertThat(ssh.tunnelsOpened()).isEqualTo(8);
        assertThat(log.lines()).noneMatch(l -> l.contains(PASSWORD));
        org.awaitility.Awaitility.await().untilAsserted(() -> assertThat(log.withId("FTB0200I"))
                .anyMatch(l -> l.contains("action=FTPTUNNEL via=GW") && l.contains("ftpuser=job1 sshuser=job1 transfers=7 databytes=")
                        && l.endsWith("lastleg=ssh"))
                .anyMatch(l -> l.contains("action=FTPDATA(")));
    }

    @Test
    void keyLoginRelaysTheDialogueFromTheServersGreeting() throws Exception {
        Path key = dir.resolve("id_rsa");
        java.security.KeyPair pair = TestSshServer.writeRsaKey(key);
        try (TestSshServer keyed = TestSshServer.start(dir, Map.of(), pair.getPublic(), true)) {
            Path knownHosts = dir.resolve("known_hosts_keyed");
            Files.writeString(knownHosts, keyed.knownHostsLine() + "\n");
            try (TestBroker keyBroker = TestBroker.start("SSHHOST NAME(K) HOST(127.0.0.1) PORT(" + keyed.port() + ") KNOWNHOSTS('"
                    + knownHosts + "') USER(svc) KEY('" + key + "')\n"
                    + "RULE NAME(FTPK) DEST(127.0.0.1) ACTION(FTPTUNNEL) VIA(K) AUTH(KEY)\n")) {
                FTPClient client = new FTPClient();
                client.setProxy(new Proxy(Proxy.Type.SOCKS, new InetSocketAddress("127.0.0.1", keyBroker.port())));
                client.connect("127.0.0.1", ftp.port());
                try {
                    assertThat(client.getReplyString()).doesNotContain("FTP Tunnel Broker");
                    assertThat(client.login(USER, PASSWORD)).isTrue();
                    client.enterLocalPassiveMode();
                    byte[] content = "through a keyed tunnel\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                    assertThat(client.storeFile("keyed.txt", new ByteArrayInputStream(content))).isTrue();
                    ByteArrayOutputStream back = new ByteArrayOutputStream();
                    assertThat(client.retrieveFile("keyed.txt", back)).isTrue();
                    assertThat(back.toByteArray()).isEqualTo(content);
                    assertThat(client.sendCommand("PORT 127,0,0,1,1,1")).isEqualTo(502);
                } finally {
                    client.disconnect();
                }
            }
            assertThat(keyed.sessionsCreated()).isEqualTo(1);
        }
    }

    @Test
    void sshDownGives421WithoutFallbackAndAWarnedPlaintextSessionWithIt() throws Exception {
        int closed;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = probe.getLocalPort();
        }
        String sshHost = "SSHHOST NAME(DOWN) HOST(127.0.0.1) PORT(" + closed + ") KNOWNHOSTS('" + dir.resolve("known_hosts") + "')\n";
        try (TestBroker strict = TestBroker.start(sshHost + "RULE NAME(F) DEST(127.0.0.1) ACTION(FTPTUNNEL) VIA(DOWN)\n")) {
            FTPClient client = new FTPClient();
            client.setProxy(new Proxy(Proxy.Type.SOCKS, new InetSocketAddress("127.0.0.1", strict.port())));
            client.connect("127.0.0.1", ftp.port());
            try {
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.login(USER, PASSWORD))
                        .hasMessageContaining("421");
                assertThat(client.getReplyString()).startsWith("421 Service not available: SSH tunnel to 127.0.0.1:" + ftp.port()
                        + " failed (SSH host unreachable)");
            } finally {
                client.disconnect();
            }
        }
        try (TestBroker lenient = TestBroker.start(sshHost
                + "RULE NAME(F) DEST(127.0.0.1) ACTION(FTPTUNNEL) VIA(DOWN) FALLBACK(PLAIN)\n")) {
            FTPClient client = new FTPClient();
            client.setProxy(new Proxy(Proxy.Type.SOCKS, new InetSocketAddress("127.0.0.1", lenient.port())));
            client.connect("127.0.0.1", ftp.port());
            try {
                assertThat(client.login(USER, PASSWORD)).isTrue();
                client.enterLocalPassiveMode();
                byte[] content = "plain but working\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                assertThat(client.storeFile("plain.txt", new ByteArrayInputStream(content))).isTrue();
                ByteArrayOutputStream back = new ByteArrayOutputStream();
                assertThat(client.retrieveFile("plain.txt", back)).isTrue();
                assertThat(back.toByteArray()).isEqualTo(content);
            } finally {
                client.disconnect();
            }
        }
        assertThat(log.withId("FTB0234E")).hasSize(1);
        assertThat(log.withId("FTB0237W")).singleElement().asString().contains("IN PLAINTEXT, UNENCRYPTED");
        assertThat(log.lines()).noneMatch(l -> l.contains(PASSWORD));
    }

    @Test
    void wrongPasswordGets530Quickly() throws Exception {
        FTPClient client = client(5);
        try {
            long start = System.nanoTime();
            assertThat(client.login(USER, "wrong")).isFalse();
            assertThat(client.getReplyCode()).isEqualTo(530);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            assertThat(client.login(USER, PASSWORD)).as("a failed login is not cached").isTrue();
        } finally {
            client.disconnect();
        }
        assertThat(log.withId("FTB0233W")).hasSize(1);
        assertThat(log.lines()).noneMatch(l -> l.contains("wrong") || l.contains(PASSWORD));
    }

    @Test
    void activeModeAndTlsAreRefusedClearly() throws Exception {
        FTPClient client = client(5);
        try {
            assertThat(client.login(USER, PASSWORD)).isTrue();
            assertThat(client.sendCommand("PORT 127,0,0,1,200,1")).isEqualTo(502);
            assertThat(client.getReplyString()).contains("use passive mode");
            assertThat(client.sendCommand("EPRT |1|127.0.0.1|50000|")).isEqualTo(502);
            assertThat(client.sendCommand("AUTH TLS")).isEqualTo(534);
            assertThat(client.sendCommand("NOOP")).isEqualTo(200);
        } finally {
            client.disconnect();
        }
    }

    @Test
    void unannouncedDataConnectionsAreRefused() throws Exception {
        FTPClient client = client(5);
        try {
            assertThat(client.login(USER, PASSWORD)).isTrue();
            assertThat(client.sendCommand("PASV")).isEqualTo(227);
            String reply = client.getReplyString();
            String[] n = reply.substring(reply.indexOf('(') + 1, reply.indexOf(')')).split(",");
            int port = Integer.parseInt(n[4].trim()) * 256 + Integer.parseInt(n[5].trim());
            // The announced port takes one connection; a second one (nobody announced it) gets nothing.
            try (Socket first = new Socket("127.0.0.1", port)) {
                assertThat(first.isConnected()).isTrue();
                Socket second = new Socket();
                try {
                    second.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                    second.setSoTimeout(2000);
                    assertThat(second.getInputStream().read()).isEqualTo(-1);
                } catch (java.io.IOException refused) {
                    // refused outright: the listener is gone
                } finally {
                    second.close();
                }
            }
        } finally {
            client.disconnect();
        }
    }

    @Test
    void fiftyConcurrentSessionsShareSshConnections() throws Exception {
        int sessions = 50;
        byte[] content = new byte[200_000];
        new Random(9).nextBytes(content);
        java.util.List<Thread> threads = new java.util.ArrayList<>();
        java.util.Queue<Throwable> failures = new java.util.concurrent.ConcurrentLinkedQueue<>();
        for (int i = 0; i < sessions; i++) {
            int n = i;
            Thread t = new Thread(() -> {
                try {
                    FTPClient client = client(5);
                    try {
                        assertThat(client.login(USER, PASSWORD)).isTrue();
                        client.enterLocalPassiveMode();
                        client.setFileType(FTP.BINARY_FILE_TYPE);
                        assertThat(client.storeFile("c" + n, new ByteArrayInputStream(content))).isTrue();
                        ByteArrayOutputStream back = new ByteArrayOutputStream();
                        assertThat(client.retrieveFile("c" + n, back)).isTrue();
                        assertThat(back.toByteArray()).isEqualTo(content);
                        client.logout();
                    } finally {
                        client.disconnect();
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(failures).isEmpty();
        // 50 control + 100 data channels with MAXCHANNELS(32): a handful of SSH connections, not 150.
        assertThat(ssh.sessionsStarted()).isBetween(1L, 10L);
        assertThat(ssh.tunnelsOpened()).as("50 control and 100 data connections, all through the gateway").isEqualTo(150);
    }
}
