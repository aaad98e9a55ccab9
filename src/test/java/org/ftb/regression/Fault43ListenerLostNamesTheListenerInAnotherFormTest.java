package org.ftb.regression;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Attack (automation trapping message IDs, SA z/OS or NetView): a rule that ties FTB0013A "Listener
 * address:port cannot accept connections" to the listener FTB0002I announced ("SOCKS listener ready on
 * 127.0.0.1:1080") and DISPLAY shows ({@code LISTEN 127.0.0.1:1080}). Under real descriptor exhaustion
 * the Acceptor names its listener with {@code String.valueOf(listener.getLocalAddress())}, Java's
 * InetSocketAddress text: {@code /127.0.0.1:1080} with a leading slash (and for IPv6
 * {@code /[0:0:0:0:0:0:0:1]:1080} where FTB0002I says {@code [::1]:1080}). The same listener has two names
 * on the console, and the operator reads a path-like "/127.0.0.1".
 *
 * <p>Correct behaviour: FTB0013A and FTB0014I name the listener exactly as FTB0002I and DISPLAY do
 * (docs/messages.md: "Listener address:port").
 */
@Timeout(120)
class Fault43ListenerLostNamesTheListenerInAnotherFormTest {
    @TempDir
    Path dir;

    @Test
    void theLostListenerIsNamedAsFtb0002INamedIt() throws Exception {
        Assumptions.assumeTrue(Descriptors.available(), "needs Linux /proc and prlimit");
        int port = StartedTask.freePort();
        try (StartedTask task = StartedTask.withMember(dir, StartedTask.numbered(
                "SOCKS LISTEN(127.0.0.1:" + port + ")",
                "RULE NAME(REST) DEST(*) ACTION(DENY)"));
             Descriptors descriptors = new Descriptors()) {
            task.start().awaitReady();
            try {
                descriptors.loseListener(port);
            } finally {
                descriptors.release();
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> !StartedTask.withId("FTB0014I").isEmpty());
            assertThat(StartedTask.withId("FTB0002I").get(0).text()).isEqualTo("FTB0002I SOCKS listener ready on 127.0.0.1:" + port);
            assertThat(StartedTask.withId("FTB0013A").get(0).text()).startsWith("FTB0013A Listener 127.0.0.1:" + port + " cannot accept");
            assertThat(StartedTask.withId("FTB0014I").get(0).text()).isEqualTo("FTB0014I Listener 127.0.0.1:" + port + " accepts connections again");
        }
    }
}
