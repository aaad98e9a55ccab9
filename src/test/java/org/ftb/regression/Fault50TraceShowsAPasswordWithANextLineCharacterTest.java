package org.ftb.regression;

import org.ftb.console.CommandDispatcher;
import org.ftb.testing.Bytes;
import org.ftb.testing.LogCapture;
import org.ftb.testing.ScriptedFtpServer;
import org.ftb.testing.SocksClient;
import org.ftb.testing.TestBroker;
import org.ftb.testing.TestSshServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attack (TRACE ON, then a user whose password holds byte X'85'): in Windows-1252 X'85' is the ellipsis
 * "…", which a user may well have in a password; in ISO-8859-1, as the broker reads FTP lines, it is
 * U+0085 NEXT LINE. The FTP user logs in with AUTH(FTPLOGIN) as {@code u} with password
 * {@code Tr…Nightly-Batch-7}; the SSH login and the FTP login both succeed.
 *
 * <p>Observed: the trace line of the PASS the broker replays to the FTP server reads
 * {@code to server: PASS TrX'85'Nightly-Batch-7}: Trace.masked matches {@code ^\s*(PASS|ACCT)\b.*}
 * without DOTALL, and '.' does not match U+0085 (nor U+2028/2029, nor CR), so the line is not
 * recognised as a PASS and is logged whole.
 *
 * <p>Correct behaviour (house rule: passwords never appear in any log or trace): every PASS and ACCT line
 * is traced as {@code PASS ********}, whatever bytes its argument holds.
 */
@Timeout(60)
class Fault50TraceShowsAPasswordWithANextLineCharacterTest {
    private static final String SECRET_TAIL = "Nightly-Batch-7";
    private static final String PASSWORD = "Tr\u0085" + SECRET_TAIL;

    @TempDir
    Path dir;

    @Test
    void theTraceMasksEveryPassword() throws Exception {
        Path knownHosts = dir.resolve("known_hosts");
        try (LogCapture log = new LogCapture(); ScriptedFtpServer ftp = ScriptedFtpServer.start();
             TestSshServer ssh = TestSshServer.start(dir, Map.of("u", PASSWORD), null, true)) {
            Files.writeString(knownHosts, ssh.knownHostsLine() + "\n");
            try (TestBroker broker = TestBroker.start("SSHHOST NAME(GW) HOST(127.0.0.1) PORT(" + ssh.port() + ") KNOWNHOSTS('"
                    + knownHosts + "')\nRULE NAME(FTP) DEST(127.0.0.1) PORTS(" + ftp.port() + ") ACTION(FTPTUNNEL) VIA(GW)\n")) {
                CommandDispatcher console = CommandDispatcher.standard(broker.broker(), broker.broker().messages());
                assertThat(console.dispatch("TRACE ON", "console")).singleElement().asString().startsWith("FTB0318I");

                Socket socket = SocksClient.open(broker.port());
                assertThat(SocksClient.v5(socket, Bytes.v5Ipv4(1, SocksClient.loopback(), ftp.port()))).startsWith(5, 0);
                try (FtpRig.Control control = new FtpRig.Control(socket)) {
                    assertThat(control.line()).startsWith("220");
                    control.send("USER u");
                    assertThat(control.line()).startsWith("331");
                    control.sendRaw(("PASS " + PASSWORD + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    assertThat(control.line()).as("the SSH login and the FTP login succeed").startsWith("230");
                    assertThat(ftp.awaitCommand("PASS", Duration.ofSeconds(10))).isTrue();
                }
            }
            assertThat(log.withId("FTB0246I")).as("the trace is on").anyMatch(l -> l.contains("to server: USER u"));
            assertThat(log.lines()).as("no log line shows the password").noneMatch(l -> l.contains(SECRET_TAIL));
        }
    }
}
