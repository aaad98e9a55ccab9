package org.ftb.regression;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Break-it pass (breakit14): a 227 or 229 that no PASV or EPSV asked for is dropped (Fault13), and each
 * one wrote FTB0239W.
 *
 * <p><b>Attack:</b> an FTP server (broken, or hostile behind a rule) answers one NOOP with its 200 and
 * then 5,000 lines {@code 227 Entering Passive Mode (…)}, 46 bytes each.
 *
 * <p><b>Observed:</b> 5,000 FTB0239W, one log line of some 170 bytes per line the server sent: a server
 * writes the broker's log at network speed, which rolls the log files away or, on z/OS, fills JES spool.
 *
 * <p><b>Correct:</b> as for the broker's own answers to a client (Fault95): said at most 10 times per
 * session; the client's dialogue goes on untouched.
 */
@Timeout(60)
class Fault97UnaskedPassiveRepliesFloodTheLogTest {
    private static final int FLOOD = 5000;

    @TempDir
    Path dir;

    @Test
    void unaskedPassiveRepliesAreLoggedTenTimesPerSession() throws Exception {
        try (FtpRig rig = FtpRig.start(dir)) {
            rig.ftp.on("NOOP", "200 ok\r\n" + "227 Entering Passive Mode (127,0,0,1,200,1)\r\n".repeat(FLOOD));
            rig.broker("");
            try (FtpRig.Control c = rig.login()) {
                c.send("NOOP");
                assertThat(c.line()).isEqualTo("200 ok");
                c.send("SYST");
                assertThat(c.line(Duration.ofSeconds(20))).as("the reply to SYST, after the flood, with nothing before it").isEqualTo("200 ok");
            }
            assertThat(rig.log.withId("FTB0239W")).as("FTB0239W for %d unasked 227 lines", FLOOD).hasSize(10);
        }
    }
}
