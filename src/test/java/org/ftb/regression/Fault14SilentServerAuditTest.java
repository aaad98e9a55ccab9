package org.ftb.regression;

import org.ftb.testing.Bytes;
import org.ftb.testing.SocksClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Found by the breakit session: an FTP server that accepts the connection and never greets gets
 * FTB0234E "did not answer within n s" as documented, but the client's 421 says "Connection to the
 * FTP server broken" and the audit record says result=SERVER_RESET instead of the documented
 * SERVER_TIMEOUT. Cause: FtpSession.tellClientAndClose calls dropServer, whose serverEnd.close(false)
 * fails the server pump's pending read on this very thread while fromServer still names it, so
 * ControlPumps.failed runs broke(SERVER), which overwrites the failure and sends its own 421 first.
 */
@Timeout(60)
class Fault14SilentServerAuditTest {
    @TempDir
    Path dir;

    @Test
    void aServerThatNeverGreetsEndsWithServerTimeout() throws Exception {
        List<Socket> held = new ArrayList<>();
        try (FtpRig rig = FtpRig.start(dir); ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept()); // accepted, never spoken to
                    }
                } catch (Exception e) {
                    // closed
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            rig.brokerWith("BROKER CONNECTTIMEOUT(2)\n" + rig.sshHost("")
                    + "RULE NAME(SILENT) DEST(127.0.0.1) PORTS(" + silent.getLocalPort() + ") ACTION(FTPTUNNEL) VIA(GW)\n");
            Socket s = SocksClient.open(rig.brokerPort());
            assertThat(SocksClient.v5(s, Bytes.v5Ipv4(1, SocksClient.loopback(), silent.getLocalPort()))).startsWith(5, 0);
            try (FtpRig.Control c = new FtpRig.Control(s)) {
                assertThat(c.line()).startsWith("220 ");
                c.send("USER " + FtpRig.USER);
                assertThat(c.line()).startsWith("331");
                c.send("PASS " + FtpRig.PASSWORD);
                assertThat(c.line(Duration.ofSeconds(15))).as("the client's reply when the server never greets")
                        .startsWith("421").contains("did not answer");
            }
            assertThat(rig.awaitAudit(l -> l.contains("action=FTPTUNNEL"), Duration.ofSeconds(10)))
                    .as("the control connection's audit record").contains(" result=SERVER_TIMEOUT");
        } finally {
            for (Socket h : held) {
                h.close();
            }
        }
    }
}
