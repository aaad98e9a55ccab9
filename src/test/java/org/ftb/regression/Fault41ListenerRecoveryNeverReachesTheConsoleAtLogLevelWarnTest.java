package org.ftb.regression;

import com.ibm.jzos.JzosSimulation;
import com.ibm.jzos.JzosSimulation.Wto;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Attack (automation and the operator at a site that runs with {@code LOG LEVEL(WARN)} to keep the job
 * log small): the started task runs out of file descriptors (MAXFILEPROC), really, with the limit of
 * this JVM lowered by prlimit and clients holding connections. FTB0013A is an error-level action
 * message, so it reaches the MVS console and stays there (descriptor 11). When the limit is raised and the
 * listener accepts again, the message that clears it, FTB0014I, is information-level, so LEVEL(WARN)
 * drops it before any appender sees it: SystemConsoleAppender never writes FTB0014I and never deletes
 * FTB0013A (its DOM logic runs only for events that are logged). The console keeps saying "clients cannot
 * connect through it until this clears" while clients connect fine, and automation that closes the
 * FTB0013A exception on FTB0014I never closes it. (With LEVEL(INFO) the same test passes.)
 *
 * <p>Correct behaviour (docs/messages.md, "Messages on the MVS console"): an A message "stays on the
 * console until its condition clears: FTB0014I then deletes FTB0013A (DOM) ... otherwise FTB0014I still
 * says that it cleared". Whatever LOG LEVEL is, a condition announced on the console is announced cleared
 * there: FTB0014I (or the DOM of FTB0013A) reaches the console when FTB0013A did.
 */
@Timeout(120)
class Fault41ListenerRecoveryNeverReachesTheConsoleAtLogLevelWarnTest {
    @TempDir
    Path dir;

    /** A SOCKS 4 request to 10.0.0.1:21, which rule REST denies: the broker answers 91 when it serves the client. */
    static byte[] deniedRequest(int port) throws IOException {
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
            client.setSoTimeout(10_000);
            client.getOutputStream().write(new byte[]{4, 1, 0, 21, 10, 0, 0, 1, 'J', 0});
            return client.getInputStream().readNBytes(8);
        }
    }

    @Test
    void theListenerRecoveringReachesTheConsoleWhateverTheLogLevel() throws Exception {
        Assumptions.assumeTrue(Descriptors.available(), "needs Linux /proc and prlimit");
        int port = StartedTask.freePort();
        try (StartedTask task = StartedTask.withMember(dir, StartedTask.numbered(
                "SOCKS LISTEN(127.0.0.1:" + port + ")",
                "RULE NAME(REST) DEST(*) ACTION(DENY)",
                "LOG LEVEL(WARN)"));
             Descriptors descriptors = new Descriptors()) {
            task.start();
            await().atMost(Duration.ofSeconds(30)).until(JzosSimulation::callbackRegistered);
            try {
                descriptors.loseListener(port);
            } finally {
                descriptors.release();
            }
            // The listener tries again every second; once it has taken the waiting clients it serves new ones.
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(deniedRequest(port)).startsWith(0, 91));
            Thread.sleep(1500);

            List<Wto> lost = StartedTask.withId("FTB0013A");
            assertThat(lost).as("the listener lost, on the console").hasSize(1);
            assertThat(lost.get(0).descriptor()).as("descriptor 11, kept on the console").isEqualTo(0x0020);
            assertThat(!StartedTask.withId("FTB0014I").isEmpty() || !JzosSimulation.deleted().isEmpty())
                    .as("FTB0014I written or FTB0013A deleted, once the listener accepts again; the console has: %s", StartedTask.wtos())
                    .isTrue();
        }
    }
}
