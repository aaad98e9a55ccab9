package org.ftb.interop;

import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.ftb.testing.Bytes;
import org.ftb.testing.EchoServer;
import org.ftb.testing.OpenSshd;
import org.ftb.testing.SocksClient;
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
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The broker against a real OpenSSH sshd: FTPTUNNEL with the FTP login (downloads must end exactly
 * when the server's data ends: the end-of-file stall MINA-only tests cannot show) and TUNNEL with a
 * key. Needs /usr/sbin/sshd and a local user {@value OpenSshd#USER} (see {@link OpenSshd}).
 */
@Timeout(120)
class OpenSshInteropTest {
    static final String USER = OpenSshd.USER;
    static final String PASSWORD = OpenSshd.PASSWORD;

    @TempDir
    Path dir;
    private OpenSshd sshd;
    private int sshPort;
    private Path knownHosts;
    private Path keyFile;

    @BeforeEach
    void startSshd() throws Exception {
        OpenSshd.assumeAvailable();
        keyFile = dir.resolve("id_rsa");
        KeyPair clientKey = TestSshServer.writeRsaKey(keyFile);
        sshd = OpenSshd.start(dir, clientKey.getPublic(), "ed25519");
        sshPort = sshd.port();
        knownHosts = dir.resolve("known_hosts");
        Files.writeString(knownHosts, "[127.0.0.1]:" + sshPort + " " + sshd.publicKey("ed25519") + "\n");
    }

    @AfterEach
    void stopSshd() throws Exception {
        if (sshd != null) {
            sshd.close();
        }
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
