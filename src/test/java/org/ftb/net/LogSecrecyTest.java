package org.ftb.net;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import org.apache.commons.net.ftp.FTPClient;
import org.ftb.config.LogLevel;
import org.ftb.config.LogSettings;
import org.ftb.logging.LogSetup;
import org.ftb.testing.TestBroker;
import org.ftb.testing.TestPlatform;
import org.ftb.testing.TestFtpServer;
import org.ftb.testing.TestSshServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.net.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A full run with the broker's log at TRACE, the most it ever writes, into a file: FTP logins that
 * succeed and fail, and an ed25519 key with a passphrase (made by ssh-keygen, which .ci/run installs). Not one log line may hold a password or passphrase.
 */
@Timeout(120)
class LogSecrecyTest {
    private static final String PASSWORD = "Sup3r-Secret-FTP";
    private static final String WRONG = "Wr0ng-Guess-FTP";
    private static final String PASSPHRASE = "Key-Passphrase-77";

    @TempDir
    Path dir;

    @Test
    void noSecretReachesAnyLogLineAtAnyLevel() throws Exception {
        Path logFile = dir.resolve("ftb.log");
        LogSetup.apply(new LogSettings(LogLevel.TRACE, Optional.of(logFile), StandardCharsets.UTF_8, true, LogSettings.Rolling.DEFAULTS), TestPlatform.utf8());
        try {
            Path home = Files.createDirectories(dir.resolve("home"));
            try (TestFtpServer ftp = TestFtpServer.start(home, "job1", PASSWORD);
                 TestSshServer ssh = TestSshServer.start(dir, Map.of("job1", PASSWORD), null, true)) {
                Path knownHosts = dir.resolve("known_hosts");
                Files.writeString(knownHosts, ssh.knownHostsLine() + "\n");
                try (TestBroker broker = TestBroker.start("SSHHOST NAME(GW) HOST(127.0.0.1) PORT(" + ssh.port() + ") KNOWNHOSTS('"
                        + knownHosts + "')\nRULE NAME(F) DEST(127.0.0.1) ACTION(FTPTUNNEL) VIA(GW)\nLOG LEVEL(TRACE)\n")) {
                    FTPClient client = new FTPClient();
                    client.setProxy(new Proxy(Proxy.Type.SOCKS, new InetSocketAddress("127.0.0.1", broker.port())));
                    client.connect("127.0.0.1", ftp.port());
                    try {
                        assertThat(client.login("job1", WRONG)).isFalse();
                        assertThat(client.login("job1", PASSWORD)).isTrue();
                        client.enterLocalPassiveMode();
                        assertThat(client.listNames()).isNotNull();
                    } finally {
                        client.disconnect();
                    }
                }
            }
            Path key = dir.resolve("id_ed25519");
            Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", PASSPHRASE, "-f", key.toString())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            assertThat(keygen.waitFor()).isZero();
            Path passphrase = dir.resolve("passphrase");
            TestSshServer.writeSecret(passphrase, PASSPHRASE + "\n");
            java.security.PublicKey publicKey = org.apache.sshd.common.config.keys.PublicKeyEntry.parsePublicKeyEntry(
                    Files.readString(Path.of(key + ".pub")).trim()).resolvePublicKey(null, null, null);
            try (org.ftb.testing.EchoServer echo = new org.ftb.testing.EchoServer();
                 TestSshServer ssh = TestSshServer.start(dir, Map.of(), publicKey, true)) {
                Path knownHosts = dir.resolve("known_hosts_key");
                Files.writeString(knownHosts, ssh.knownHostsLine() + "\n");
                try (TestBroker broker = TestBroker.start("SSHHOST NAME(K) HOST(127.0.0.1) PORT(" + ssh.port() + ") KNOWNHOSTS('"
                        + knownHosts + "') USER(svc) KEY('" + key + "') PASSPHRASE('" + passphrase + "')\n"
                        + "RULE NAME(T) DEST(127.0.0.1) ACTION(TUNNEL) VIA(K)\nLOG LEVEL(TRACE)\n");
                     java.net.Socket s = org.ftb.testing.SocksClient.open(broker.port())) {
                    assertThat(org.ftb.testing.SocksClient.v5(s, org.ftb.testing.Bytes.v5Ipv4(1, org.ftb.testing.SocksClient.loopback(),
                            echo.port()))).startsWith(5, 0);
                }
            }
        } finally {
            LogSetup.shutdown();
            LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
            context.reset();
            new ContextInitializer(context).autoConfig();
        }
        String log = Files.readString(logFile);
        assertThat(log).as("the run was logged in detail").contains("FTB0230I", "FTB0233W", "FTB0200I", "FTB0210I");
        assertThat(log).doesNotContain(PASSWORD).doesNotContain(WRONG).doesNotContain(PASSPHRASE);
    }
}
