package org.ftb.regression;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Break-it pass (breakit14): every command the broker answers itself wrote a log line: FTB0236I for
 * each PORT, EPRT, LPRT and AUTH, FTB0240W for each over-long line, FTB0250W for each line with a CR or
 * NUL.
 *
 * <p><b>Attack:</b> a local user's FTP session (AUTH(FTPLOGIN) needs no login for this) sends
 * {@code PORT 1,2,3,4,5,6} lines (18 bytes each), {@code AUTH TLS} lines and over-long lines, as fast as
 * it reads the replies.
 *
 * <p><b>Observed:</b> one log line of some 150 bytes per command, without limit: 2,000 PORT and 2,000
 * AUTH, 4,000 FTB0236I; 2,000 over-long lines, 2,000 FTB0240W. At loopback speed that is megabytes of log a second from one connection, which rolls the
 * broker's log files away (the operator's record of what happened) or, on z/OS, fills JES spool.
 *
 * <p><b>Correct:</b> each such message is said at most 10 times per session and command (the first PORTs,
 * the first AUTHs, the first over-long lines), which tells the operator all there is to know; the client
 * still gets its reply every time.
 */
@Timeout(60)
class Fault95LocalAnswersFloodTheLogTest {
    private static final int COMMANDS = 2000;

    @TempDir
    Path dir;

    @Test
    void aFloodOfRefusedCommandsIsLoggedTenTimesPerSessionAndCommand() throws Exception {
        try (FtpRig rig = FtpRig.start(dir)) {
            rig.broker("");
            try (FtpRig.Control c = rig.connect()) {
                assertThat(c.line()).startsWith("220 ");
                StringBuilder flood = new StringBuilder();
                for (int i = 0; i < COMMANDS; i++) {
                    flood.append("PORT 1,2,3,4,5,6\r\nAUTH TLS\r\n").append("X".repeat(5000)).append("\r\n");
                }
                Thread writer = new Thread(() -> {
                    try {
                        c.sendRaw(flood.toString().getBytes(StandardCharsets.US_ASCII));
                    } catch (java.io.IOException e) {
                        // the test fails on the replies
                    }
                }, "fault95-writer");
                writer.start();
                for (int i = 0; i < COMMANDS; i++) {
                    assertThat(c.line(Duration.ofSeconds(10))).as("reply to PORT %d", i).startsWith("502 ");
                    assertThat(c.line(Duration.ofSeconds(10))).as("reply to AUTH %d", i).startsWith("534 ");
                    assertThat(c.line(Duration.ofSeconds(10))).as("reply to the long line %d", i).startsWith("500 ");
                }
                writer.join(10_000);
            }
            assertThat(rig.log.withId("FTB0236I")).as("FTB0236I for %d PORT and %d AUTH", COMMANDS, COMMANDS).hasSize(20);
            assertThat(rig.log.withId("FTB0240W")).as("FTB0240W for %d over-long lines", COMMANDS).hasSize(10);
        }
    }
}
