package org.ftb.net;

import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.ftb.auth.UserDirectory;
import org.ftb.config.BrokerConfig;
import org.ftb.config.ConfigFixtures;
import org.ftb.gateway.Gateway;
import org.ftb.message.MessageLog;
import org.ftb.testing.LogCapture;
import org.ftb.testing.TestBroker;
import org.ftb.testing.TestFtpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The embedded gateway (ftb gateway) as the SSH end of FTP tunnels, with its PERMIT list. */
@Timeout(120)
class GatewayTest {
    private static final String USER = "job1";
    private static final String PASSWORD = "gw-Pa55word";

    @TempDir
    Path dir;
    private TestFtpServer ftp;
    private Gateway gateway;
    private LogCapture log;
    private Path knownHosts;

    @BeforeEach
    void setUp() throws Exception {
        log = new LogCapture();
        ftp = TestFtpServer.start(Files.createDirectories(dir.resolve("home")), USER, PASSWORD);
        Path users = dir.resolve("users");
        Files.write(users, List.of(UserDirectory.entry(USER, PASSWORD.toCharArray(), 10_000)));
        BrokerConfig config = ConfigFixtures.config("GATEWAY LISTEN(127.0.0.1:2222) HOSTKEY('" + dir.resolve("hostkey") + "') USERS('"
                + users + "') PERMIT(127.0.0.1:" + ftp.port() + " 127.0.0.1:1024-65535)\nRULE NAME(X) ACTION(DENY)");
        org.ftb.config.GatewaySettings g = config.gateway().orElseThrow();
        org.ftb.config.GatewaySettings ephemeral = new org.ftb.config.GatewaySettings(new org.ftb.address.HostPort("127.0.0.1", 0),
                g.hostKey(), g.usersFile(), g.users(), g.authorizedKeys(), g.permits());
        gateway = Gateway.start(ephemeral, new MessageLog(LoggerFactory.getLogger("ftb")));
        knownHosts = dir.resolve("known_hosts");
        Files.writeString(knownHosts, gateway.knownHostsLine() + "\n");
    }

    @AfterEach
    void tearDown() throws Exception {
        gateway.close();
        ftp.close();
        log.close();
    }

    private String sshHost() {
        return "SSHHOST NAME(GW) HOST(127.0.0.1) PORT(" + gateway.port() + ") KNOWNHOSTS('" + knownHosts + "')\n";
    }

    @Test
    void ftpThroughTheGatewayWithTheHostKeyGeneratedOnFirstStart() throws Exception {
        assertThat(dir.resolve("hostkey")).exists();
        assertThat(log.withId("FTB0501I")).hasSize(1);
        try (TestBroker broker = TestBroker.start(sshHost() + "RULE NAME(FTP) DEST(127.0.0.1) ACTION(FTPTUNNEL) VIA(GW)\n")) {
            FTPClient client = new FTPClient();
            client.setProxy(new Proxy(Proxy.Type.SOCKS, new InetSocketAddress("127.0.0.1", broker.port())));
            client.connect("127.0.0.1", ftp.port());
            try {
                assertThat(client.login(USER, PASSWORD)).isTrue();
                client.enterLocalPassiveMode();
                client.setFileType(FTP.BINARY_FILE_TYPE);
                byte[] content = new byte[1_000_000];
                new Random(4).nextBytes(content);
                assertThat(client.storeFile("gw.bin", new ByteArrayInputStream(content))).isTrue();
                ByteArrayOutputStream back = new ByteArrayOutputStream();
                assertThat(client.retrieveFile("gw.bin", back)).isTrue();
                assertThat(back.toByteArray()).isEqualTo(content);
            } finally {
                client.disconnect();
            }
        }
    }

    @Test
    void destinationsOutsidePermitAreProhibited() throws Exception {
        try (TestBroker broker = TestBroker.start(sshHost() + "SSHHOST NAME(K) HOST(127.0.0.1) PORT(" + gateway.port()
                + ") KNOWNHOSTS('" + knownHosts + "')\nRULE NAME(FTP) DEST(*) ACTION(FTPTUNNEL) VIA(GW)\n")) {
            FTPClient client = new FTPClient();
            client.setProxy(new Proxy(Proxy.Type.SOCKS, new InetSocketAddress("127.0.0.1", broker.port())));
            client.connect("127.0.0.2", 21);
            try {
                assertThatThrownBy(() -> client.login(USER, PASSWORD))
                        .isInstanceOf(org.apache.commons.net.ftp.FTPConnectionClosedException.class).hasMessageContaining("421");
                assertThat(client.getReplyString()).startsWith("421").contains("does not allow a tunnel to 127.0.0.2:21");
            } finally {
                client.disconnect();
            }
        }
        assertThat(log.withId("FTB0502W")).singleElement().asString().contains("127.0.0.2:21");
    }

    @Test
    void shellExecAndWrongPasswordsAreRefused() throws Exception {
        SshClient client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
        client.start();
        try {
            ClientSession session = client.connect(USER, "127.0.0.1", gateway.port()).verify(5000).getSession();
            session.addPasswordIdentity(PASSWORD);
            session.auth().verify(5000);
            assertThatThrownBy(() -> session.createShellChannel().open().verify(5000)).isInstanceOf(Exception.class);
            assertThatThrownBy(() -> session.createExecChannel("id").open().verify(5000)).isInstanceOf(Exception.class);
            session.close(true);
            ClientSession wrong = client.connect(USER, "127.0.0.1", gateway.port()).verify(5000).getSession();
            wrong.addPasswordIdentity("not-it");
            assertThatThrownBy(() -> wrong.auth().verify(5000)).isInstanceOf(Exception.class);
        } finally {
            client.stop();
        }
        assertThat(log.withId("FTB0503W")).isNotEmpty().allMatch(l -> !l.contains("not-it") && !l.contains(PASSWORD));
    }
}
