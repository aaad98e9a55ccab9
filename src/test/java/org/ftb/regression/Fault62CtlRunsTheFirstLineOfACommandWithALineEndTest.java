package org.ftb.regression;

import org.ftb.cli.Main;
import org.ftb.console.CommandDispatcher;
import org.ftb.control.ControlServer;
import org.ftb.logging.LogSetup;
import org.ftb.message.MessageLog;
import org.ftb.platform.Platform;
import org.ftb.testing.LogCapture;
import org.ftb.testing.TestBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attack: a script builds the command from what it read, and the value holds a line end:
 * {@code ftb ctl --endpoint E "CANCEL SESSION=$id"} with {@code id} read as {@code "C1\nC2"}; or an
 * operator pastes two lines. On every other console such text is refused: the dispatcher answers
 * FTB0302E "command text may hold only printable ASCII characters" and nothing runs.
 *
 * <p>Observed: ControlClient writes the text as it is, followed by LF, and the endpoint reads one line:
 * the text up to the first line end runs ({@code DISPLAY} here; {@code CANCEL SESSION=C1} there, a
 * session nobody named alone), the rest is dropped unread, and ftb ctl ends with RC 0 as if the
 * command given had run. A CR before the line end is dropped as well, so {@code "DISPLAY\r"} runs too.
 *
 * <p>Correct behaviour: the command text is taken whole or refused: ftb ctl (or the endpoint) refuses
 * text with a control character as the console does (FTB0302E, RC 8), and nothing runs.
 */
@Timeout(60)
class Fault62CtlRunsTheFirstLineOfACommandWithALineEndTest {
    @TempDir
    Path dir;

    @Test
    void aCommandWithALineEndIsRefusedNotCutShort() throws Exception {
        Path endpoint = dir.resolve("ctl").resolve("broker");
        MessageLog messages = new MessageLog(LoggerFactory.getLogger(LogSetup.BROKER_LOGGER));
        try (LogCapture log = new LogCapture(); TestBroker broker = TestBroker.start("RULE NAME(ALL) ACTION(DENY)");
             ControlServer server = ControlServer.open(endpoint, ControlServer.Transport.AUTO,
                     CommandDispatcher.standard(broker.broker(), messages), messages)) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int rc = Main.commandLine(Platform.detect()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                    .execute("ctl", "--endpoint", endpoint.toString(), "DISPLAY\nDRAIN");

            assertThat(log.withId("FTB0300I")).as("commands run").isEmpty();
            assertThat(out.toString() + err).startsWith("FTB0302E");
            assertThat(rc).isEqualTo(8);
        }
    }
}
