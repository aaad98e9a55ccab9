package org.ftb.regression;

import com.ibm.jzos.JzosSimulation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.Charset;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attack (systems programmer at a site whose EBCDIC code page the JVM does not know by the z/OS name):
 * {@code ZUtil.getDefaultPlatformEncoding()} answers {@code IBM-1153} (EBCDIC Latin-2 with the euro,
 * used in Central Europe), which this JVM's charsets do not have. ZosPlatform.nativeCharset calls
 * {@code Charset.forName} on it and the UnsupportedCharsetException escapes: {@code S FTB} ends with
 * RC 12 and a Java stack trace (picocli's, on STDERR), no message ID, no FTB0007E and no WTO, and the
 * broker does not start, though its member is plain IBM-1047-compatible text. The same call serves
 * STDOUT and the operator's console, so nothing the broker could say would be readable either.
 *
 * <p>Correct behaviour (issue 8, "Encodings, everywhere"): "An unknown platform code page falls back to
 * IBM-1047 with a warning, not an exception": the broker reads the member as IBM-1047, warns (with a
 * message ID) that it did so, and starts.
 */
@Timeout(60)
class Fault40UnknownPlatformCodePageStopsTheStartTest {
    @TempDir
    Path dir;

    @Test
    void anUnknownPlatformCodePageFallsBackToIbm1047WithAWarning() throws Exception {
        assertThat(Charset.isSupported("IBM-1153")).as("precondition: this JVM does not know IBM-1153").isFalse();
        int port = StartedTask.freePort();
        try (StartedTask task = StartedTask.withMember(dir, StartedTask.numbered(
                "SOCKS LISTEN(127.0.0.1:" + port + ")",
                "RULE NAME(REST) DEST(*) ACTION(DENY)"))) {
            JzosSimulation.platformEncoding("IBM-1153");
            task.start();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> task.broker.isDone() || !StartedTask.withId("FTB0003I").isEmpty());
            String said = "RC " + (task.broker.isDone() ? task.broker.get() : "none yet") + "; picocli: " + task.picocli
                    + "; stdout: " + task.stdout.toString(java.nio.charset.StandardCharsets.ISO_8859_1)
                    + "; WTOs: " + StartedTask.wtos();
            assertThat(StartedTask.withId("FTB0003I")).as("the broker starts; %s", said).isNotEmpty();
            assertThat(said).as("a warning with a message ID names the unknown code page").containsPattern("FTB\\d{4}W [^;]*IBM-1153");
        }
    }
}
