package org.ftb.regression;

import org.ftb.app.Broker;
import org.ftb.config.ConfigFixtures;
import org.ftb.config.ConfigLoader;
import org.ftb.config.ConfigReader;
import org.ftb.net.Resolver;
import org.ftb.testing.LogCapture;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attack: RELOAD while the configuration source is slow to read (a migrated parmlib data set that HSM
 * recalls, an NFS-mounted /etc), and a STOP meanwhile, as an operator who gives up on the reload does.
 * The new configuration adds a LISTEN address.
 *
 * <p>Observed: Broker.reload checks "stopping" before it reads, not after; the STOP completes (FTB0005I,
 * reactors and SSH clients gone), then the read returns and SocksServer.reconfigure binds the new
 * address. Since the server no longer accepts, the new listener is never registered with a reactor nor
 * closed: the port stays bound and listening after the broker has stopped, so clients connect and hang
 * (the kernel completes their handshake), and the port cannot be used again in this JVM (ftb demo,
 * an embedding). The reload answers FTB0304I "is in force as generation 2" for a broker that has stopped.
 *
 * <p>Correct behaviour: a RELOAD that finds the broker stopping when it is to put the configuration in
 * place answers FTB0319E ("the broker is stopping") and binds nothing; after FTB0005I no port of the
 * broker is left listening.
 */
@Timeout(60)
class Fault61ReloadUnderWayAtStopLeavesAListenerBoundTest {
    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    @Test
    void theListenerAReloadAddsAfterTheStopIsNotLeftListening() throws Exception {
        int first = freePort();
        int added = freePort();
        String rules = "RULE NAME(ALL) ACTION(DENY)\n";
        ConfigLoader.Result start = ConfigFixtures.load("SOCKS LISTEN(127.0.0.1:" + first + ")\n" + rules);
        ConfigLoader.Result next = ConfigFixtures.load("SOCKS LISTEN(127.0.0.1:" + first + " 127.0.0.1:" + added + ")\n" + rules);
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch recalled = new CountDownLatch(1);
        // The configuration source as RELOAD reads it: slow, as a data set being recalled.
        ConfigReader slow = () -> {
            reading.countDown();
            try {
                recalled.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return next;
        };
        try (LogCapture log = new LogCapture()) {
            Broker broker = Broker.start(start.config().orElseThrow(), slow, Resolver.system(), "test");
            CompletableFuture<List<String>> reload = CompletableFuture.supplyAsync(() -> broker.reload("console"));
            assertThat(reading.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(broker.stop("console")).isTrue();
            assertThat(broker.awaitStopped(Duration.ofSeconds(20))).as("the STOP completed").isTrue();
            recalled.countDown();
            List<String> response = reload.get(20, TimeUnit.SECONDS);

            SoftAssertions.assertSoftly(softly -> {
                softly.assertThat(String.join("\n", response)).as("the RELOAD's response").startsWith("FTB0319E");
                softly.assertThatThrownBy(() -> {
                    try (Socket client = new Socket()) {
                        client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), added), 2000);
                    }
                }).as("nothing listens on 127.0.0.1:%d once the broker has stopped", added).isInstanceOf(IOException.class);
            });
        }
    }
}
