package org.ftb.regression;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Break-it pass (breakit15): Fault95, Fault97 and Fault98 log FTB0236I, FTB0239W, FTB0240W and FTB0250W at
 * most 10 times per session and kind; what was left out left no trace.
 *
 * <p><b>Attack:</b> a client sends 50 PORT commands (or CR-in-line smuggling attempts, FTB0250W), then QUIT.
 *
 * <p><b>Observed:</b> 10 FTB0236I and an audit record like that of any session: an auditor reading the
 * log takes the client for one that tried 10 times, not 50 (or 50,000), and cannot tell a capped log
 * from a complete one.
 *
 * <p><b>Correct:</b> the client still gets every reply and the log at most 10 lines of a kind; the
 * session's audit record says how many lines the caps left out ({@code unlogged=40}), only when some were.
 */
@Timeout(60)
class Fault99CappedLogLinesLeaveNoTraceTest {
    @TempDir
    Path dir;

    @Test
    void theAuditRecordCountsTheLinesTheCapsLeftOut() throws Exception {
        try (FtpRig rig = FtpRig.start(dir)) {
            rig.broker("");
            try (FtpRig.Control c = rig.login()) {
                for (int i = 0; i < 50; i++) {
                    c.send("PORT 127,0,0,1,200," + i);
                    assertThat(c.line()).startsWith("502 ");
                }
                c.send("QUIT");
                assertThat(c.line()).startsWith("221");
            }
            assertThat(rig.log.withId("FTB0236I")).hasSize(10);
            String audit = rig.awaitAudit(l -> l.contains("action=FTPTUNNEL"), Duration.ofSeconds(10));
            assertThat(audit).as("the session's audit record").endsWith(" unlogged=40");
            try (FtpRig.Control c = rig.login()) {
                c.send("PORT 127,0,0,1,200,1");
                assertThat(c.line()).startsWith("502 ");
                c.send("QUIT");
                assertThat(c.line()).startsWith("221");
            }
            await(rig);
            assertThat(rig.audit().get(1)).as("a session whose log left nothing out").doesNotContain("unlogged=").endsWith(" lastleg=ssh");
        }
    }

    private static void await(FtpRig rig) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (rig.audit().size() < 2 && System.nanoTime() < end) {
            Thread.sleep(50);
        }
    }
}
