package org.ftb.regression;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Break-it pass (breakit14): a 227 reply that no PASV asked for (a server's stray or extra line, here
 * right after its 200 to NOOP) is dropped, as Fault13 wants; but FTB0239W said "the client got 425",
 * and the client got nothing. An operator reading the log looks for a failed transfer that never was.
 *
 * <p><b>Correct:</b> the client's dialogue goes on untouched (its next command gets its own reply), and
 * FTB0239W says that the reply was dropped and the client got nothing; the 425 is said only when sent.
 */
@Timeout(60)
class Fault93UnaskedPassiveReplyLogClaimsA425Test {
    @TempDir
    Path dir;

    @Test
    void anUnaskedPassiveReplyIsDroppedAndTheLogSaysSoWithoutA425() throws Exception {
        try (FtpRig rig = FtpRig.start(dir)) {
            rig.ftp.on("NOOP", "200 ok\r\n227 Entering Passive Mode (127,0,0,1,200,1)\r\n");
            rig.broker("");
            try (FtpRig.Control c = rig.login()) {
                c.send("NOOP");
                assertThat(c.line()).isEqualTo("200 ok");
                c.send("SYST");
                assertThat(c.line()).as("the reply to SYST, with nothing before it").isEqualTo("200 ok");
            }
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !rig.log.withId("FTB0239W").isEmpty());
            assertThat(rig.log.withId("FTB0239W")).singleElement().asString().contains("227 reply", "no PASV or EPSV asked for it", "dropped")
                    .doesNotContain("425");
        }
    }
}
