package org.ftb.regression;

import org.ftb.testing.Bytes;
import org.ftb.testing.SocksClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Break-it pass (breakit14), found in the interop suite's audit records: an FTPTUNNEL session to the SSH
 * host's own FTP server on its loopback (the client asks for {@code 127.0.0.1:21} or {@code localhost:21},
 * which the SSH server opens on itself) was audited {@code lastleg=CLEAR-from-SSHHOST}, the mark of FTP
 * in clear text on a network between the SSH server and another FTP host.
 *
 * <p><b>Attack:</b> none; an ordinary set-up: SSHHOST HOST names the SSH server by its name or its
 * network address (here {@code localhost} or {@code 127.0.0.1}), and the rule's destination is its loopback, as the SSH server
 * sees it.
 *
 * <p><b>Observed:</b> {@code lastleg=CLEAR-from-GW}, for {@code 127.0.0.1} with HOST(localhost) and for
 * {@code localhost} with HOST(127.0.0.1): the broker compared the destination with HOST as text, so a
 * loopback destination differed from any HOST but the same text. An auditor looking
 * for clear-text legs is sent after sessions that never left the SSH server, and learns to ignore the mark.
 *
 * <p><b>Correct:</b> a destination on the loopback (127.0.0.0/8, ::1, {@code localhost}) through an SSH
 * host is that host itself: {@code lastleg=ssh}.
 */
@Timeout(60)
class Fault92LoopbackDestinationAuditedAsClearTextTest {
    @TempDir
    Path dir;
    private FtpRig rig;

    @BeforeEach
    void setUp() throws Exception {
        rig = FtpRig.start(dir);
    }

    @AfterEach
    void tearDown() throws Exception {
        rig.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "localhost"})
    void aSessionToTheSshHostsOwnLoopbackHasNoClearTextLastLeg(String destination) throws Exception {
        // HOST names the SSH server otherwise than the destination does (by its name, or by an address);
        // the FTP server is on the SSH server's loopback.
        String host = destination.equals("localhost") ? "127.0.0.1" : "localhost";
        Path knownHosts = dir.resolve("known_hosts_" + host);
        Files.writeString(knownHosts, rig.ssh.knownHostsLine().replace("[127.0.0.1]", "[" + host + "]") + "\n");
        rig.brokerWith("SSHHOST NAME(GW) HOST(" + host + ") PORT(" + rig.ssh.port() + ") KNOWNHOSTS('" + knownHosts + "')\n"
                + "RULE NAME(FTP) DEST(127.0.0.1 localhost) PORTS(" + rig.ftp.port() + ") ACTION(FTPTUNNEL) VIA(GW)\n");
        Socket s = SocksClient.open(rig.brokerPort());
        byte[] request = destination.equals("localhost") ? Bytes.v5Domain(1, "localhost", rig.ftp.port())
                : Bytes.v5Ipv4(1, SocksClient.loopback(), rig.ftp.port());
        assertThat(SocksClient.v5(s, request)).as("SOCKS reply").startsWith(5, 0);
        try (FtpRig.Control c = new FtpRig.Control(s).logIn()) {
            c.send("QUIT");
            assertThat(c.line()).startsWith("221");
        }
        String record = rig.awaitAudit(l -> l.contains("action=FTPTUNNEL via=GW"), Duration.ofSeconds(10));
        assertThat(record).as("the audit record of a session to %s:%d through the SSH host", destination, rig.ftp.port())
                .contains("dest=" + destination + ":").endsWith("lastleg=ssh");
    }
}
