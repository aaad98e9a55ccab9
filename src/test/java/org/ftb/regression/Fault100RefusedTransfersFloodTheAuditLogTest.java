package org.ftb.regression;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Break-it pass (breakit15): Fault95, Fault97 and Fault98 capped the log lines one session causes, but
 * each transfer command still ends with its own audit record (FTB0251I, Issue09), also when the server
 * refuses it at once and no data moves.
 *
 * <p><b>Attack:</b> a logged-in client pipelines {@code RETR f} 2,000 times (8 bytes each); the server
 * refuses each at once (550, or vsftpd's 425 "Use PORT or PASV first"). Or it pipelines them to a server
 * that does not answer during a transfer, and hangs up.
 *
 * <p><b>Observed:</b> 2,000 FTB0251I records of some 150 bytes, as fast as the server answers (or all
 * at once as NO_REPLY when the session ends): the Fault95 flood with another verb.
 *
 * <p><b>Correct:</b> a transfer that moved no data (no data connection) and did not succeed is recorded
 * at most 10 times per session; the others are counted in the session's record ({@code unlogged=}, Fault99)
 * and leave a gap in the records' numbers {@code n=}. A transfer with a data connection is always recorded.
 */
@Timeout(60)
class Fault100RefusedTransfersFloodTheAuditLogTest {
    private static final int FLOOD = 2000;

    @TempDir
    Path dir;

    @Test
    void transfersRefusedAtOnceAreRecordedTenTimesPerSession() throws Exception {
        try (FtpRig rig = FtpRig.start(dir)) {
            rig.ftp.on("RETR", "550 f: no such file\r\n");
            rig.broker("");
            try (FtpRig.Control c = rig.login()) {
                c.sendRaw("RETR f\r\n".repeat(FLOOD).getBytes(StandardCharsets.US_ASCII));
                for (int i = 0; i < FLOOD; i++) {
                    assertThat(c.line()).as("the reply to RETR %d", i + 1).startsWith("550 ");
                }
                c.send("QUIT");
                assertThat(c.line()).startsWith("221");
            }
            String session = rig.awaitAudit(l -> l.contains("action=FTPTUNNEL"), Duration.ofSeconds(10));
            assertThat(rig.log.withId("FTB0251I")).as("transfer records for %d refused RETR", FLOOD).hasSize(10)
                    .allMatch(l -> l.contains("code=550 result=FAILED"));
            assertThat(session).endsWith(" unlogged=" + (FLOOD - 10));
        }
    }

    @Test
    void transfersLeftUnansweredAtTheEndAreRecordedTenTimesPerSession() throws Exception {
        try (FtpRig rig = FtpRig.start(dir)) {
            rig.ftp.on("RETR", (conversation, argument) -> {
                // never answered
            });
            rig.broker("");
            try (FtpRig.Control c = rig.login()) {
                c.sendRaw("RETR f\r\n".repeat(FLOOD).getBytes(StandardCharsets.US_ASCII));
                assertThat(rig.ftp.awaitCommand("RETR", Duration.ofSeconds(10))).isTrue();
                Thread.sleep(500);
            }
            String session = rig.awaitAudit(l -> l.contains("action=FTPTUNNEL"), Duration.ofSeconds(10));
            assertThat(rig.log.withId("FTB0251I")).as("transfer records for %d RETR never answered", FLOOD).hasSize(10);
            assertThat(session).contains(" unlogged=");
        }
    }
}
