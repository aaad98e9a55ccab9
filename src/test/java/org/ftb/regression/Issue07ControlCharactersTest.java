package org.ftb.regression;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelDirectTcpip;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.ftb.auth.UserDirectory;
import org.ftb.console.CommandDispatcher;
import org.ftb.gateway.Gateway;
import org.ftb.message.MessageLog;
import org.ftb.testing.Bytes;
import org.ftb.testing.LogCapture;
import org.ftb.testing.SocksClient;
import org.ftb.testing.TestBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Issue 7 finding 2: control characters from the network reached replies and logs. An FTP USER with
 * an escape sequence was echoed raw in the broker's 331 and written raw into its log and audit record;
 * a command line with a CR before its end went to the server, which may take the CR for the line end
 * and run the rest as a command the broker never read; an SSH user name with a line feed forged a log
 * line on the gateway before any authentication; and a password followed by a NUL byte was accepted
 * as the password, because PBKDF2's HMAC pads its key with zero bytes.
 */
@Timeout(90)
class Issue07ControlCharactersTest {
    /** An escape sequence that clears a terminal, EBCDIC's new line (U+0085), a vertical tab. */
    private static final String HOSTILE = "job\u001b[2J\u0085\u000bx";
    private static final String SHOWN = "jobX'1B'[2JX'85'X'0B'x";

    @TempDir
    Path dir;

    /** Each log line is one line of printable text: no C0 or C1 control, no DEL, no Unicode line separator. */
    private static void assertOneLineEach(List<String> lines) {
        assertThat(lines).isNotEmpty().allSatisfy(line -> assertThat(line.codePoints())
                .as("code points of %s", line.replaceAll("\\p{Cc}", "?"))
                .allMatch(c -> c >= 0x20 && c != 0x7F && !(c >= 0x80 && c <= 0x9F) && c != 0x2028 && c != 0x2029));
    }

    @Test
    void anFtpUserIsEchoedLoggedDisplayedAndAuditedOnlyAsPrintableText() throws Exception {
        try (FtpRig rig = FtpRig.start(dir)) {
            rig.broker("");
            try (FtpRig.Control c = rig.connect()) {
                assertThat(c.line()).startsWith("220 ");
                c.send("USER " + HOSTILE);
                assertThat(c.line()).isEqualTo("331 Password required for " + SHOWN);
                c.send("PASS wrong");
                assertThat(c.line()).as("the SSH host knows no such user").startsWith("530 ").endsWith(" refused user " + SHOWN);
                List<String> display = CommandDispatcher.standard(rig.running(), new MessageLog(LoggerFactory.getLogger("ftb")))
                        .dispatch("DISPLAY SESSIONS", "test");
                assertOneLineEach(display);
                assertThat(org.ftb.testing.Responses.text(display)).contains("ftpuser=" + SHOWN + " sshuser=" + SHOWN + " ");
                c.send("QUIT");
                assertThat(c.line()).startsWith("221");
            }
            String audit = rig.awaitAudit(l -> l.contains("action=FTPTUNNEL"), Duration.ofSeconds(10));
            assertThat(audit).contains("/ftp:" + SHOWN + " ", "ftpuser=" + SHOWN + " sshuser=" + SHOWN + " ");
            assertThat(rig.log.withId("FTB0233W")).singleElement().asString().contains("user " + SHOWN + " refused");
            assertOneLineEach(rig.log.lines());
        }
    }

    @Test
    void aCommandLineWithCrOrNulBeforeItsEndIsRefusedAndNeverReachesTheServer() throws Exception {
        try (FtpRig rig = FtpRig.start(dir)) {
            rig.broker("");
            try (FtpRig.Control c = rig.connect()) {
                assertThat(c.line()).startsWith("220 ");
                c.sendRaw("USER u\0x\r\n".getBytes(StandardCharsets.ISO_8859_1));
                assertThat(c.line()).as("a NUL in the broker's own login").startsWith("500 ");
                c.send("USER " + FtpRig.USER);
                assertThat(c.line()).startsWith("331");
                c.send("PASS " + FtpRig.PASSWORD);
                assertThat(c.line()).startsWith("230");
                c.sendRaw("CWD pub\rDELE important.txt\r\n".getBytes(StandardCharsets.ISO_8859_1));
                assertThat(c.line()).isEqualTo("500 Command line holds a CR or NUL before its end; not sent to the server");
                c.sendRaw("RETR a\0b\r\n".getBytes(StandardCharsets.ISO_8859_1));
                assertThat(c.line()).startsWith("500 ");
                c.send("NOOP");
                assertThat(c.line()).as("the session goes on").isEqualTo("200 ok");
            }
            assertThat(rig.ftp.commands()).containsExactly("USER u", "PASS p", "NOOP");
            assertThat(rig.log.withId("FTB0250W")).hasSize(3).allMatch(l -> l.endsWith(
                    " client sent a command line holding a CR or NUL before its end; it was not sent on and the client got 500"));
        }
    }

    @Test
    void theGatewayLogsSshUserNamesAndDestinationsOnOneLineAndRefusesAPasswordWithANul() throws Exception {
        try (LogCapture log = new LogCapture(); Gateway gateway = Rig.gateway(dir)) {
            SshClient client = SshClient.setUpDefaultClient();
            client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
            client.start();
            try {
                String forged = "job1\n2024-01-01 00:00:00.000 FTB0230I C1 FTP user job1 logged in\r\u001b[8m";
                assertThatThrownBy(() -> login(client, gateway, forged, "guess")).isInstanceOf(Exception.class);
                assertThatThrownBy(() -> login(client, gateway, Rig.USER, Rig.PASSWORD + "\0"))
                        .as("the password followed by NUL").isInstanceOf(Exception.class);
                try (ClientSession session = login(client, gateway, Rig.USER, Rig.PASSWORD)) {
                    ChannelDirectTcpip channel = session.createDirectTcpipChannel(new SshdSocketAddress("localhost", 0),
                            new SshdSocketAddress("host\n2024-01-01 00:00:00.000 FTB0500I forged\u0085", 21));
                    assertThatThrownBy(() -> channel.open().verify(5000)).isInstanceOf(Exception.class);
                }
            } finally {
                client.stop();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> log.withId("FTB0502W").size() == 1);
            assertThat(log.withId("FTB0503W")).anyMatch(l -> l.startsWith(
                    "FTB0503W Gateway refused the login of user job1X'0A'2024-01-01 00:00:00.000 FTB0230I C1 FTP user job1 logged inX'0D'X'1B'[8m from "));
            assertThat(log.withId("FTB0502W")).singleElement().asString()
                    .endsWith(" a tunnel to hostX'0A'2024-01-01 00:00:00.000 FTB0500I forgedX'85':21: not in PERMIT");
            assertOneLineEach(log.lines());
        }
    }

    private static ClientSession login(SshClient client, Gateway gateway, String user, String password) throws Exception {
        ClientSession session = client.connect(user, "127.0.0.1", gateway.port()).verify(5000).getSession();
        try {
            session.addPasswordIdentity(password);
            session.auth().verify(5000);
            return session;
        } catch (Exception e) {
            session.close(true);
            throw e;
        }
    }

    @Test
    void socksUsersAndPasswordsWithControlCharacters() throws Exception {
        Path users = dir.resolve("users");
        Files.write(users, List.of(UserDirectory.entry("job1", "s3cret".toCharArray(), 10_000)));
        try (LogCapture log = new LogCapture(); TestBroker broker = TestBroker.start("SOCKS VERSIONS(5) AUTH(USERPASS) USERS('" + users
                + "')\nRULE NAME(NONE) ACTION(DENY)\n")) {
            assertThat(socks5Login(broker, "job1", "s3cret\0")).as("the password followed by NUL").isEqualTo(1);
            assertThat(socks5Login(broker, "job1\r\n2024-01-01 FTB0200I forged\u001b[0m\u2028", "s3cret")).isEqualTo(1);
            assertThat(socks5Login(broker, "job1", "s3cret")).as("the password itself").isEqualTo(0);
            await().atMost(Duration.ofSeconds(10)).until(() -> log.withId("FTB0200I").size() == 3);
            assertThat(log.withId("FTB0204W")).hasSize(2).anyMatch(l -> l.endsWith(
                    "SOCKS user job1X'0D'X'0A'2024-01-01 FTB0200I forgedX'1B'[0mX'2028' failed authentication"));
            assertThat(log.withId("FTB0200I")).anyMatch(l -> l.contains(" user=job1X'0D'X'0A'2024-01-01_FTB0200I_forgedX'1B'[0mX'2028' "));
            assertOneLineEach(log.lines());
        }
    }

    @Test
    void socksUserIdsAndHostNamesWithControlCharacters() throws Exception {
        try (LogCapture log = new LogCapture(); TestBroker broker = TestBroker.start("RULE NAME(NONE) ACTION(DENY)\n")) {
            try (Socket s = SocksClient.open(broker.port())) {
                SocksClient.send(s, Bytes.v4a("u\r\n\u001b[1m\u0085", "host\nname", 21));
                assertThat(SocksClient.read(s, 8)).startsWith(0, 91);
            }
            try (Socket s = SocksClient.open(broker.port())) {
                assertThat(SocksClient.v5(s, Bytes.v5Domain(1, "ftp\r\n\u001b[1m", 21))).startsWith(5, 1);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> log.withId("FTB0200I").size() == 2);
            assertThat(log.withId("FTB0200I")).anyMatch(l -> l.contains(" user=uX'0D'X'0A'X'1B'[1mX'85' "));
            assertThat(log.withId("FTB0203W")).hasSize(2).anyMatch(l -> l.contains("host name hostX'0A'name is not valid"))
                    .anyMatch(l -> l.contains("host name ftpX'0D'X'0A'X'1B'[1m is not valid"));
            assertOneLineEach(log.lines());
        }
    }

    /** RFC 1929 status for this user and password (0 = accepted). */
    private static int socks5Login(TestBroker broker, String user, String password) throws Exception {
        try (Socket s = SocksClient.open(broker.port())) {
            byte[] name = user.getBytes(StandardCharsets.UTF_8);
            byte[] secret = password.getBytes(StandardCharsets.UTF_8);
            SocksClient.send(s, Bytes.of(5, 1, 2, 1, name.length).then(name).then(secret.length).then(secret).get());
            assertThat(SocksClient.read(s, 2)).containsExactly(5, 2);
            return SocksClient.read(s, 2)[1];
        }
    }
}
