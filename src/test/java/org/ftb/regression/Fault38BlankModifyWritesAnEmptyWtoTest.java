package org.ftb.regression;

import com.ibm.jzos.JzosSimulation.Wto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attack (MVS console, 3 a.m.): the operator types {@code F FTB,APPL=} with nothing after it, or only
 * blanks ({@code F FTB,APPL='   '}), or automation sends an empty MODIFY text. The dispatcher answers
 * blank text with no lines at all, and ZosConsole's callback writes that "response" anyway: it joins the
 * empty list and calls {@code MvsConsole.wto("", routing, descriptor)}, a WTO with no text and no message
 * ID (descriptor 5, command response). On z/OS the WTO macro refuses a zero-length message or, through
 * JZOS, shows a blank line on the master console that no automation can tie to the broker.
 *
 * <p>Correct behaviour: every WTO the broker writes carries text that starts with its message ID; blank
 * MODIFY text either writes nothing or answers with a message (for example FTB0302E "no command given").
 */
@Timeout(60)
class Fault38BlankModifyWritesAnEmptyWtoTest {
    @TempDir
    Path dir;

    @Test
    void blankModifyTextWritesNoWtoWithoutAMessageId() throws Exception {
        int port = StartedTask.freePort();
        try (StartedTask task = StartedTask.withMember(dir, StartedTask.numbered(
                "SOCKS LISTEN(127.0.0.1:" + port + ")",
                "RULE NAME(REST) DEST(*) ACTION(DENY)"))) {
            task.start().awaitReady();

            List<Wto> empty = StartedTask.modify("");
            List<Wto> blanks = StartedTask.modify("     ");

            assertThat(empty).as("WTOs for F FTB,APPL= (empty text)")
                    .allSatisfy(w -> assertThat(w.text()).as("WTO text").matches("(?s)FTB\\d{4}[IWEA] .*"));
            assertThat(blanks).as("WTOs for F FTB,APPL='     ' (only blanks)")
                    .allSatisfy(w -> assertThat(w.text()).as("WTO text").matches("(?s)FTB\\d{4}[IWEA] .*"));
            assertThat(StartedTask.wtos()).as("every WTO of the started task")
                    .allSatisfy(w -> assertThat(w.text()).isNotBlank());
        }
    }
}
