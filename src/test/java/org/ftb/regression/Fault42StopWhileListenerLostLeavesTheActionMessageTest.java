package org.ftb.regression;

import com.ibm.jzos.JzosSimulation;
import com.ibm.jzos.JzosSimulation.Wto;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Attack (operator at 3 a.m. following FTB0013A's own advice, "P FTB and S FTB if ... the message does not
 * clear"): the started task is out of file descriptors for real (prlimit on this JVM, clients holding
 * connections), FTB0013A is on the console with descriptor 11 (kept until deleted), and the operator
 * stops the task while the listener is still lost. The stop itself is clean (RC 0, FTB0004I, FTB0008W,
 * FTB0005I, no stack trace), but the broker ends with FTB0013A still kept on the console: the Acceptor
 * never clears "lost" once accepting has stopped, nothing deletes the kept message (DOM) or says that the
 * condition ended with the listener. The console keeps "Listener ... cannot accept connections ...
 * until this clears" for a listener that no longer exists; after {@code S FTB} the new instance knows
 * nothing of it (its FTB0014I could not delete it either), and automation that opened an exception on
 * FTB0013A never sees it closed.
 *
 * <p>Correct behaviour: an A message lives only as long as its condition; when the broker closes the
 * listener (STOP), it deletes the kept FTB0013A (DOM) where it can and in any case writes a message that
 * clears it (FTB0014I or one saying the listener was closed by the stop) before FTB0005I.
 */
@Timeout(120)
class Fault42StopWhileListenerLostLeavesTheActionMessageTest {
    @TempDir
    Path dir;

    @Test
    void stoppingWhileTheListenerIsLostClearsTheActionMessage() throws Exception {
        Assumptions.assumeTrue(Descriptors.available(), "needs Linux /proc and prlimit");
        int port = StartedTask.freePort();
        try (StartedTask task = StartedTask.withMember(dir, StartedTask.numbered(
                "BROKER STOPTIMEOUT(2)",
                "SOCKS LISTEN(127.0.0.1:" + port + ")",
                "RULE NAME(REST) DEST(*) ACTION(DENY)"));
             Descriptors descriptors = new Descriptors()) {
            task.start().awaitReady();
            try {
                descriptors.loseListener(port);
                // P FTB while the listener is lost, then P FTB again: sessions are ended at once.
                assertThat(StartedTask.stop()).isFalse();
                assertThat(StartedTask.stop()).isFalse();
                assertThat(task.rc()).as("the stop ends the broker with RC 0").isZero();
            } finally {
                descriptors.release();
            }
            List<Wto> wtos = StartedTask.wtos();
            int lost = wtos.indexOf(StartedTask.withId("FTB0013A").get(0));
            int stopped = wtos.indexOf(StartedTask.withId("FTB0005I").get(0));
            List<Wto> between = wtos.subList(lost + 1, stopped);
            assertThat(!JzosSimulation.deleted().isEmpty()
                    || between.stream().anyMatch(w -> !w.text().startsWith("FTB0013A") && w.text().contains(":" + port)))
                    .as("FTB0013A deleted, or a message that clears it for listener port %d, before FTB0005I; the console has:%n%s",
                            port, String.join("\n", wtos.stream().map(Wto::text).toList()))
                    .isTrue();
            assertThat(task.stderr.toString(java.nio.charset.StandardCharsets.UTF_8)).as("no stack trace").isEmpty();
        }
    }
}
