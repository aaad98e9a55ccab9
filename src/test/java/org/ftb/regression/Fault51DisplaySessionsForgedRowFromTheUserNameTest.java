package org.ftb.regression;

import org.ftb.console.CommandDispatcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Attack (a client with no password at all, against the operator reading DISPLAY SESSIONS): it connects
 * through the broker to an FTPTUNNEL rule and sends {@code USER a<20 blanks>DATA C1       TRANSFER   UP
 * 0 DOWN 0}; the broker keeps the argument (inner blanks and all) as the session's FTP user and answers
 * 331. The user name is the last field of the session's third line ({@code UP DOWN AGE IDLE CLIENT USER}),
 * which starts near column 66, so ConsoleText.fit wraps the line at a blank of the user name and
 * continues it on a line indented ten columns, exactly as DISPLAY SESSIONS indents its own DATA rows.
 *
 * <p>Observed: DISPLAY SESSIONS shows {@code           DATA C1       TRANSFER   UP 0 DOWN 0}, a data
 * connection row that does not exist, under a session that has none, written by an unauthenticated
 * client; it can as well forge a {@code NOW RETR PAYROLL} line or a destination line. The FTP file name of
 * {@code NOW RETR name} wraps the same way. The layout's own promise (SessionsDisplay: "a long value
 * never pushes another into a column where it reads as something else") does not hold.
 *
 * <p>Correct behaviour: a value chosen by a client never forms a line of its own that reads as one of
 * DISPLAY's rows: long values are shortened (or blanks in them shown escaped) so that the line fits, or a
 * continuation is marked as one.
 */
@Timeout(60)
class Fault51DisplaySessionsForgedRowFromTheUserNameTest {
    private static final String FORGED = "DATA C1       TRANSFER   UP 0 DOWN 0";

    @TempDir
    Path dir;

    @Test
    void aUserNameNeverFormsADisplayRow() throws Exception {
        try (FtpRig rig = FtpRig.start(dir)) {
            CommandDispatcher console = rig.broker("").console();
            try (FtpRig.Control control = rig.connect()) {
                assertThat(control.line()).startsWith("220");
                control.send("USER a" + " ".repeat(20) + FORGED);
                assertThat(control.line()).startsWith("331");
                await().until(() -> rig.running().status().sessions().stream().anyMatch(v -> v.user().contains("DATA C1")));

                List<String> display = console.dispatch("D SESSIONS", "console");
                assertThat(display).as("the session has no data connection:\n%s", String.join("\n", display))
                        .noneMatch(l -> l.startsWith("          DATA "));
            }
        }
    }
}
