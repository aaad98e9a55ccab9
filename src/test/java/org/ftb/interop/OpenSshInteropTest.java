package org.ftb.interop;

import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.ftb.testing.Bytes;
import org.ftb.testing.EchoServer;
import org.ftb.testing.SocksClient;
import org.ftb.testing.TestBroker;
import org.ftb.testing.TestFtpServer;
import org.ftb.testing.TestSshServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The broker against a real OpenSSH sshd: FTPTUNNEL with the FTP login (downloads must end exactly
 * when the server's data ends: the end-of-file stall MINA-only tests cannot show) and TUNNEL with a
 * key. Needs /usr/sbin/sshd and a local user {@value #USER} with password {@value #PASSWORD}, which
 * .ci/run sets up; CI requires this test, elsewhere it is skipped without them.
 */
@Timeout(120)
class OpenSshInteropTest {
    static final String USER = "ftbtest";
    static final String PASSWORD = "ftb-Interop-1";

    @TempDir
    Path dir;
    private Process sshd;
    private int sshPort;
    private Path knownHosts;
    private KeyPair clientKey;
    private Path keyFile;
    private Path publicDir;

    @BeforeEach
    void startSshd() throws Exception {
        boolean ready = Files.isExecutable(Path.of("/usr/sbin/sshd")) && userExists();
        if (!"true".equals(System.getenv("CI"))) {
            Assumptions.assumeTrue(ready, "OpenSSH sshd and user " + USER + " are set up by .ci/run");
        }
        assertThat(ready).as("CI must provide /usr/sbin/sshd and user " + USER).isTrue();
        Files.createDirectories(Path.of("/run/sshd"));
        Path hostKey = dir.resolve("ssh_host_ed25519_key");
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", hostKey.toString());
        keyFile = dir.resolve("id_rsa");
        clientKey = TestSshServer.writeRsaKey(keyFile);
        // sshd reads authorized_keys as the user, who cannot enter JUnit's owner-only temporary folder.
        publicDir = Files.createTempDirectory("ftb-sshd-", java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x")));
        Path authorized = publicDir.resolve("authorized_keys");
        Files.writeString(authorized, PublicKeyEntry.toString(clientKey.getPublic()) + "\n");
        Files.setPosixFilePermissions(authorized, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            sshPort = probe.getLocalPort();
        }
        Path config = dir.resolve("sshd_config");
        Files.writeString(config, String.join("\n",
                "Port " + sshPort, "ListenAddress 127.0.0.1", "HostKey " + hostKey, "PidFile " + dir.resolve("sshd.pid"),
                "UsePAM no", "PasswordAuthentication yes", "KbdInteractiveAuthentication no", "PubkeyAuthentication yes",
                "AuthorizedKeysFile " + authorized, "StrictModes no", "AllowTcpForwarding yes", "PermitTTY no",
                "X11Forwarding no", "PermitRootLogin no", "LogLevel VERBOSE", ""));
        sshd = new ProcessBuilder("/usr/sbin/sshd", "-D", "-e", "-f", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("sshd.log").toFile()).start();
        await().atMost(10, TimeUnit.SECONDS).until(() -> {
            try (Socket s = new Socket("127.0.0.1", sshPort)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });
        knownHosts = dir.resolve("known_hosts");
        String pub = Files.readString(Path.of(hostKey + ".pub")).trim();
        Files.writeString(knownHosts, "[127.0.0.1]:" + sshPort + " " + pub.substring(0, pub.lastIndexOf(' ')) + "\n");
    }

    @AfterEach
    void stopSshd() throws IOException {
        if (sshd != null) {
            sshd.destroy();
        }
        if (publicDir != null) {
            Files.deleteIfExists(publicDir.resolve("authorized_keys"));
            Files.deleteIfExists(publicDir);
        }
    }

    private static boolean userExists() {
        try {
            return Files.readAllLines(Path.of("/etc/passwd")).stream().anyMatch(l -> l.startsWith(USER + ":"));
        } catch (IOException e) {
            return false;
        }
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
    }

    private String sshHost() {
        return "SSHHOST NAME(OPENSSH) HOST(127.0.0.1) PORT(" + sshPort + ") KNOWNHOSTS('" + knownHosts + "') USER(" + USER
                + ") KEY('" + keyFile + "')\n";
    }

    @Test
    void ftpDownloadsEndExactlyWhenTheServerDataEnds() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        byte[] big = new byte[10 * 1024 * 1024];
        new Random(5).nextBytes(big);
        Files.write(home.resolve("big.bin"), big);
        try (TestFtpServer ftp = TestFtpServer.start(home, USER, PASSWORD);
             TestBroker broker = TestBroker.start(sshHost()
                     + "RULE NAME(FTP) DEST(127.0.0.1) PORTS(" + ftp.port() + ") ACTION(FTPTUNNEL) VIA(OPENSSH)\n")) {
            FTPClient client = new FTPClient();
            client.setProxy(new Proxy(Proxy.Type.SOCKS, new InetSocketAddress("127.0.0.1", broker.port())));
            client.setDefaultTimeout(20_000);
            client.setDataTimeout(java.time.Duration.ofSeconds(20));
            client.connect("127.0.0.1", ftp.port());
            try {
                assertThat(client.login(USER, PASSWORD)).as(client.getReplyString()).isTrue();
                client.enterLocalPassiveMode();
                client.setFileType(FTP.BINARY_FILE_TYPE);
                for (boolean epsv : new boolean[]{false, true}) {
                    client.setUseEPSVwithIPv4(epsv);
                    long start = System.nanoTime();
                    ByteArrayOutputStream back = new ByteArrayOutputStream();
                    assertThat(client.retrieveFile("big.bin", back)).as(client.getReplyString()).isTrue();
                    assertThat(back.toByteArray()).isEqualTo(big);
                    // Without the end-of-file fix the download would wait for the data timeout.
                    assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(15));
                    assertThat(client.listNames()).contains("big.bin");
                    assertThat(client.storeFile("up-" + epsv, new ByteArrayInputStream(big))).isTrue();
                    assertThat(Files.readAllBytes(home.resolve("up-" + epsv))).isEqualTo(big);
                }
                assertThat(client.logout()).isTrue();
            } finally {
                client.disconnect();
            }
        }
    }

    @Test
    void wrongPasswordAgainstOpenSshGets530() throws Exception {
        try (TestFtpServer ftp = TestFtpServer.start(Files.createDirectories(dir.resolve("h")), USER, PASSWORD);
             TestBroker broker = TestBroker.start(sshHost()
                     + "RULE NAME(FTP) DEST(127.0.0.1) ACTION(FTPTUNNEL) VIA(OPENSSH)\n")) {
            FTPClient client = new FTPClient();
            client.setProxy(new Proxy(Proxy.Type.SOCKS, new InetSocketAddress("127.0.0.1", broker.port())));
            client.connect("127.0.0.1", ftp.port());
            try {
                assertThat(client.login(USER, "not-the-password")).isFalse();
                assertThat(client.getReplyCode()).isEqualTo(530);
            } finally {
                client.disconnect();
            }
        }
    }

    @Test
    void tunnelWithAKeyAndHalfClose() throws Exception {
        try (EchoServer echo = new EchoServer();
             TestBroker broker = TestBroker.start(sshHost() + "RULE NAME(T) DEST(127.0.0.1) ACTION(TUNNEL) VIA(OPENSSH)\n");
             Socket s = SocksClient.open(broker.port())) {
            assertThat(SocksClient.v5(s, Bytes.v5Ipv4(1, SocksClient.loopback(), echo.port()))).startsWith(5, 0);
            byte[] data = new byte[1_000_000];
            new Random(6).nextBytes(data);
            SocksClient.send(s, data);
            s.shutdownOutput();
            assertThat(SocksClient.readAll(s)).isEqualTo(data);
        }
    }
}
