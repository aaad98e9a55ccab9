package org.ftb.regression;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Break-it pass (breakit15): Fault95 and Fault97 capped the log lines one session can cause (the
 * broker's own answers, unasked 227s) at 10 per session; a passive reply the broker has to refuse with
 * 425 still wrote FTB0239W each time.
 *
 * <p><b>Attack:</b> a client (any local user; AUTH(FTPLOGIN) with any working login) pipelines PASV,
 * 6 bytes each, while the DATA ports are all in use (here DATA PORTS(p), one port, held by another
 * session's unused PASV; a few hundred ports are held as easily by a few sessions, each re-sending PASV
 * within the 60 s a port waits). The server answers each PASV with an ordinary 227.
 *
 * <p><b>Observed:</b> one FTB0239W ("every DATA port in … is in use; the client got 425") per PASV:
 * 2,000 PASV, 2,000 log lines of some 150 bytes, at the server's round-trip speed, without end.
 *
 * <p><b>Correct:</b> like the other FTB0239W: at most 10 per session; the client gets its 425 every time.
 */
@Timeout(60)
class Fault98PassiveRefusalsFloodTheLogTest {
    private static final int FLOOD = 2000;

    @TempDir
    Path dir;

    @Test
    void passiveRepliesRefusedForWantOfADataPortAreLoggedTenTimesPerSession() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        try (FtpRig rig = FtpRig.start(dir)) {
            rig.broker("DATA PORTS(" + port + ")\n");
            try (FtpRig.Control holder = rig.login(); FtpRig.Control flooder = rig.login()) {
                holder.send("PASV");
                assertThat(DataPortRig.pasvPort(holder.line())).isEqualTo(port);
                flooder.sendRaw("PASV\r\n".repeat(FLOOD).getBytes(StandardCharsets.US_ASCII));
                for (int i = 0; i < FLOOD; i++) {
                    assertThat(flooder.line()).as("the reply to PASV %d", i + 1).startsWith("425 ").contains("is in use");
                }
                flooder.send("NOOP");
                assertThat(flooder.line()).as("the session goes on").startsWith("200");
            }
            assertThat(rig.log.withId("FTB0239W")).as("FTB0239W for %d refused PASV of one session", FLOOD).hasSize(10);
        }
    }
}
