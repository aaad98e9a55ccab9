package org.ftb.regression;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Found by the breakit session: a PASS with no password (an operator's empty answer, a job with a
 * blank password) makes MINA's addPasswordIdentity throw IllegalArgumentException("No password
 * provided") inside the connect listener of SshTunnels.dial, outside its try; MINA logs it (FTB0011W)
 * and the login future never completes. The client hears nothing for 2 x CONNECTTIMEOUT (a minute
 * by default), then gets 421 and the audit record says SSH_UNREACHABLE "did not complete the
 * connection and login" for an SSH host that is up. It should be refused at once like any wrong
 * password: 530 and result=LOGIN_REFUSED.
 */
@Timeout(90)
class Fault12EmptyPasswordTest {
    @TempDir
    Path dir;

    @Test
    void anEmptyPasswordIsRefusedAtOnce() throws Exception {
        try (FtpRig rig = FtpRig.start(dir)) {
            rig.broker("");
            try (FtpRig.Control c = rig.connect()) {
                assertThat(c.line()).startsWith("220 ");
                c.send("USER " + FtpRig.USER);
                assertThat(c.line()).startsWith("331");
                c.send("PASS");
                assertThat(c.line(Duration.ofSeconds(10))).as("the answer to an empty password").startsWith("530");
                c.send("QUIT");
                assertThat(c.line()).startsWith("221");
            }
            assertThat(rig.awaitAudit(l -> l.contains("action=FTPTUNNEL"), Duration.ofSeconds(10)))
                    .as("the control connection's audit record").contains(" result=LOGIN_REFUSED");
        }
    }
}
