package org.ftb.regression;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 6, fault 4: a 227 (or 229) the broker cannot parse reaches the client unchanged, so the
 * client is sent to the FTP server's own data port. With rules like samples/ftbprm02.txt (FTPTUNNEL
 * for the control port, then DIRECT for the rest of 127.0.0.0/8) the data connection is then relayed
 * DIRECT, in plaintext, around the SSH tunnel. The broker must rewrite every passive reply it can
 * find a port in, including one where the numbers are on the first line of a multi-line reply, and
 * answer 425 (with FTB0239W in the log) where it finds none.
 */
@Timeout(30)
class Fault04UnparsablePassiveReplyTest {
    /** RFC 1123 4.1.2.6: scan for the six numbers anywhere in the reply. */
    private static final Pattern PASV = Pattern.compile("(\\d{1,3}),(\\d{1,3}),(\\d{1,3}),(\\d{1,3}),(\\d{1,3}),(\\d{1,3})");
    private static final Pattern EPSV = Pattern.compile("\\(\\|\\|\\|(\\d{1,5})\\|\\)");

    @TempDir
    Path dir;

    static int pasvPort(String reply) {
        Matcher m = PASV.matcher(reply);
        assertThat(m.find()).as("six numbers in %s", reply).isTrue();
        return Integer.parseInt(m.group(5)) * 256 + Integer.parseInt(m.group(6));
    }

    static int[] pasvAddress(String reply) {
        Matcher m = PASV.matcher(reply);
        assertThat(m.find()).as("six numbers in %s", reply).isTrue();
        return new int[]{Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                Integer.parseInt(m.group(4))};
    }

    /** FTPTUNNEL for the control port first, then DIRECT for 127.0.0.0/8 on every other port, as in ftbprm02. */
    private static final String LOCAL_DIRECT = "RULE NAME(LOCAL) DEST(127.0.0.0/8) ACTION(DIRECT)\n";

    @Test
    void aMultiLine227WithTheAddressOnTheFirstLinePointsAtTheBrokerAndTheDataGoesThroughSsh() throws Exception {
        passiveDataGoesThroughSsh(false);
    }

    @Test
    void aMultiLine229WithThePortOnTheFirstLinePointsAtTheBrokerAndTheDataGoesThroughSsh() throws Exception {
        passiveDataGoesThroughSsh(true);
    }

    private void passiveDataGoesThroughSsh(boolean epsv) throws Exception {
        byte[] payload = "the file, which must travel inside SSH\n".getBytes(StandardCharsets.US_ASCII);
        try (FtpRig rig = FtpRig.start(dir)) {
            int serverDataPort = rig.ftp.dataPort();
            rig.ftp.on("PASV", "227-Entering Passive Mode (" + rig.ftp.pasvTuple("127.0.0.1") + ")\r\n227 OK\r\n")
                    .on("EPSV", "229-Entering Extended Passive Mode (|||" + serverDataPort + "|)\r\n229 OK\r\n")
                    .on("RETR", (c, argument) -> {
                        c.reply("150 Opening data connection");
                        c.serveData(payload);
                        c.reply("226 Transfer complete");
                    });
            rig.broker(LOCAL_DIRECT);
            try (FtpRig.Control c = rig.login()) {
                int tunnelsAfterLogin = rig.ssh.tunnelsOpened();
                c.send(epsv ? "EPSV" : "PASV");
                List<String> reply = c.reply(Duration.ofSeconds(10));
                String text = String.join("\n", reply);
                assertThat(reply.get(reply.size() - 1)).as("the passive reply: %s", text).startsWith(epsv ? "229 " : "227 ");
                int port;
                int[] address;
                if (epsv) {
                    Matcher m = EPSV.matcher(text);
                    assertThat(m.find()).as("a port in %s", text).isTrue();
                    port = Integer.parseInt(m.group(1));
                    address = new int[]{127, 0, 0, 1}; // EPSV: the control connection's address
                } else {
                    port = pasvPort(text);
                    address = pasvAddress(text);
                }
                // The client does what clients do: a SOCKS CONNECT to the address and port it was given.
                byte[] got;
                try (Socket data = rig.socksData(address, port)) {
                    c.send("RETR file.txt");
                    assertThat(c.line()).startsWith("150");
                    data.setSoTimeout(10_000);
                    got = data.getInputStream().readAllBytes();
                }
                assertThat(c.line()).startsWith("226");
                assertThat(got).isEqualTo(payload);
                String dataAudit = rig.awaitAudit(l -> l.contains("action=FTPDATA(") || l.contains("action=DIRECT"), Duration.ofSeconds(10));
                SoftAssertions soft = new SoftAssertions();
                soft.assertThat(port).as("the port in the reply the client got (%s) must be the broker's DATA listener, "
                        + "not the FTP server's own data port", text).isNotEqualTo(serverDataPort);
                soft.assertThat(rig.ssh.tunnelsOpened() - tunnelsAfterLogin)
                        .as("direct-tcpip channels the SSH server opened for the data connection").isEqualTo(1);
                soft.assertThat(rig.audit()).as("audit records: none may show the data connection relayed DIRECT")
                        .noneMatch(l -> l.contains("action=DIRECT"));
                soft.assertThat(dataAudit).as("the data connection's audit record").contains("action=FTPDATA(");
                soft.assertAll();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "227 Passive mode is on",
            "227 Entering Passive Mode (127,0,0,1,300,7)",
            "227 Entering Passive Mode (999,0,0,1,4,1)",
            "227 Entering Passive Mode (127,0,0,1,0,0)",
            "227 Entering Passive Mode (127,0,0,1)",
            "227-Passive mode\r\n227 is on"})
    void a227WithNoValidAddressGets425AndFtb0239w(String serverReply) throws Exception {
        try (FtpRig rig = FtpRig.start(dir)) {
            rig.ftp.on("PASV", serverReply);
            rig.broker(LOCAL_DIRECT);
            try (FtpRig.Control c = rig.login()) {
                c.send("PASV");
                List<String> reply = c.reply(Duration.ofSeconds(10));
                assertThat(reply.get(0)).as("the reply to PASV: %s", reply).startsWith("425");
                assertThat(reply).as("the server's own text never reaches the client")
                        .doesNotContainAnyElementsOf(Arrays.asList(serverReply.split("\r\n")));
            }
            assertThat(rig.log.withId("FTB0239W")).as("the log: %s", rig.log.lines()).isNotEmpty();
        }
    }
}
