package org.ftb.regression;

import org.ftb.console.CommandDispatcher;
import org.ftb.message.MessageLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attack (operator reading DISPLAY on the MVS console): an ordinary FTPTUNNEL session, logged in
 * through the broker as FTP user {@code u}. DISPLAY shows its USER as {@code -/ftp:u}-style text
 * (SOCKS user, then the FTP user), which is longer than the 8-column USER field as soon as the FTP user
 * has more than two characters; a rule NAME may be 32 characters but its column has 8. The ID line then
 * exceeds 70 columns and ConsoleText wraps it at a blank: the rest (RULE, ACTION, AGE, or only AGE) is
 * continued on a line indented ten columns, exactly like the DESTINATION line under it. The session takes
 * three lines instead of the two docs/operations.md promises ("Each connection takes two lines"), and the
 * wrapped piece sits under the DESTINATION/PHASE headings: an operator (or automation parsing the
 * fixed layout) reads the age {@code 0:00:01} or the action as a destination. Here the rule is named
 * {@code PAYROLL-TO-BANK} (15 of the 32 characters NAME allows) and the FTP user is {@code u}; an FTP user
 * of three characters or more ({@code -/ftp:JOB1}) wraps the line the same way with a short rule name.
 *
 * <p>Correct behaviour: every session takes the two documented lines, the line after the ID line is the
 * DESTINATION line of that session, and each line is at most 70 columns (longer values shortened or the
 * layout widened to fit, never wrapped into a line that looks like another row).
 */
@Timeout(60)
class Fault39DisplayWrapsFtpSessionRowsIntoFalseRowsTest {
    @TempDir
    Path dir;

    private FtpRig rig;

    @AfterEach
    void tearDown() throws Exception {
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void anFtpTunnelSessionTakesTheTwoDocumentedLines() throws Exception {
        rig = FtpRig.start(dir);
        rig.ftp.on("USER", "331 password please");
        rig.ftp.on("PASS", "230 logged in");
        rig.brokerWith(rig.sshHost("") + "RULE NAME(PAYROLL-TO-BANK) DEST(127.0.0.1) PORTS(" + rig.ftp.port()
                + ") ACTION(FTPTUNNEL) VIA(GW)\n");
        FtpRig.Control control = rig.connect();
        assertThat(control.line()).startsWith("220");
        control.send("USER " + FtpRig.USER);
        assertThat(control.line()).startsWith("331");
        control.send("PASS " + FtpRig.PASSWORD);
        String reply = control.line();

        List<String> display = CommandDispatcher.standard(rig.running(), new MessageLog(LoggerFactory.getLogger("ftb")))
                .dispatch("D SESSIONS", "MODIFY");
        String all = String.join("\n", display);
        assertThat(display).as("the login reply was %s; DISPLAY:%n%s", reply, all)
                .allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(70));
        int id = IntStream.range(0, display.size()).filter(i -> display.get(i).startsWith(" C")).findFirst()
                .orElseThrow(() -> new AssertionError("no session row in\n" + all));
        assertThat(display.get(id)).as("the ID line, in\n%s", all).contains("PAYROLL", "FTPTUNNEL");
        assertThat(display.get(id + 1)).as("the line after the ID line must be its DESTINATION line, in\n%s", all)
                .startsWith("          127.0.0.1:" + rig.ftp.port());
    }
}
