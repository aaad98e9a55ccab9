package org.ftb.regression;

import org.ftb.console.CommandDispatcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attack (operator silencing one noisy session): {@code TRACE ON} for all sessions; one FTP session
 * floods the log, so the operator sends {@code TRACE OFF SESSION=C1}. The answer is FTB0318I "TRACE OFF
 * from console for C1".
 *
 * <p>Observed: C1's control lines go on being traced (FTB0246I): Trace.covers() is {@code all ||
 * sessions.contains(id)}, and TRACE OFF SESSION= only takes the id out of the set of single sessions,
 * which the global switch overrides. The answer says the opposite of what happens. (TRACE OFF SESSION=
 * of a session that does not exist is answered FTB0318I too, where TRACE ON gets FTB0317E.)
 *
 * <p>Correct behaviour: after an FTB0318I that says C1's trace is off, C1 writes no FTB0246I; or the
 * command is refused, saying that the trace is on for all sessions.
 */
@Timeout(60)
class Fault57TraceOffForOneSessionLeavesItTracedTest {
    @TempDir
    Path dir;

    @Test
    void traceOffForOneSessionEndsItsTrace() throws Exception {
        try (FtpRig rig = FtpRig.start(dir)) {
            CommandDispatcher console = rig.broker("").console();
            assertThat(console.dispatch("TRACE ON", "console")).singleElement().asString().startsWith("FTB0318I");
            try (FtpRig.Control control = rig.login()) {
                long id = rig.running().status().sessions().get(0).id();
                assertThat(console.dispatch("TRACE OFF SESSION=C" + id, "console")).containsExactly(
                        "FTB0318I TRACE OFF from console for C" + id);
                int traced = rig.log.withId("FTB0246I").size();
                control.send("NOOP");
                assertThat(control.line()).startsWith("200");
                control.send("SYST");
                assertThat(control.line()).startsWith("200");
                assertThat(rig.ftp.awaitCommand("SYST", Duration.ofSeconds(5))).isTrue();
                assertThat(rig.log.withId("FTB0246I").subList(traced, rig.log.withId("FTB0246I").size()))
                        .as("trace lines of C%d after its TRACE OFF", id).isEmpty();
            }
        }
    }
}
