package org.ftb.net;

import org.ftb.app.Broker;
import org.ftb.testing.Bytes;
import org.ftb.testing.EchoServer;
import org.ftb.testing.SocksClient;
import org.ftb.testing.TestBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Thousands of malformed, truncated, oversized and random inputs against a running broker, while one
 * well-behaved connection keeps relaying. Afterwards no session, thread or socket is left behind.
 */
@Timeout(180)
class LiveFuzzTest {
    private static final long SEED = 20261123L;
    private static final int CASES = 2_500;

    /** Sockets this JVM holds open (Linux): each leaked connection would add one or two. */
    private static long openSockets() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().startsWith("socket:");
                } catch (IOException e) {
                    return false; // closed while listing
                }
            }).count();
        }
    }

    /** The socket count once it has stopped falling (closes finish asynchronously). */
    private static long settledSockets() throws Exception {
        long previous = Long.MAX_VALUE;
        long now = openSockets();
        for (int i = 0; i < 50 && now < previous; i++) {
            Thread.sleep(200);
            previous = now;
            now = openSockets();
        }
        return now;
    }

    private static long brokerThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(Broker.THREAD_PREFIX)).count();
    }

    private static byte[] hostileInput(Random random, int echoPort) {
        byte[] valid = switch (random.nextInt(3)) {
            case 0 -> Bytes.v4a("u", "h.example", echoPort);
            case 1 -> Bytes.of(5, 1, 0).then(Bytes.v5Ipv4(1, new int[]{127, 0, 0, 1}, echoPort)).get();
            default -> Bytes.of(5, 1, 2).then(1, 2).text("ab").then(1).text("c").then(Bytes.v5Domain(1, "h.example", echoPort)).get();
        };
        return switch (random.nextInt(5)) {
            case 0 -> {
                byte[] noise = new byte[random.nextInt(2048)];
                random.nextBytes(noise);
                yield noise;
            }
            case 1 -> java.util.Arrays.copyOf(valid, random.nextInt(valid.length)); // truncated
            case 2 -> {
                for (int i = 0; i < 1 + random.nextInt(3); i++) {
                    valid[random.nextInt(valid.length)] = (byte) random.nextInt(256);
                }
                yield valid;
            }
            case 3 -> Bytes.of(4, 1, 0, 21, 1, 2, 3, 4).text("x".repeat(200 + random.nextInt(2000))).get(); // oversized
            default -> Bytes.of(5, 255).then(new byte[255]).then(new byte[random.nextInt(600)]).get();
        };
    }

    @Test
    void hostileInputNeverDisturbsTheBrokerOrOtherConnections() throws Exception {
        try (EchoServer echo = new EchoServer();
             TestBroker broker = TestBroker.start("BROKER HANDSHAKETIMEOUT(1)\n"
                     + "RULE NAME(ECHO) DEST(127.0.0.1 h.example) ACTION(DIRECT)",
                     host -> java.net.InetAddress.getLoopbackAddress());
             Socket healthy = SocksClient.open(broker.port())) {
            assertThat(SocksClient.v5(healthy, Bytes.v5Ipv4(1, new int[]{127, 0, 0, 1}, echo.port()))).startsWith(5, 0);
            long socketsBefore = openSockets();
            long socketsHalfway = -1;
            long threadsBefore = brokerThreads();
            Random seeds = new Random(SEED);
            for (int i = 0; i < CASES; i++) {
                long seed = seeds.nextLong();
                Random random = new Random(seed);
                try (Socket s = SocksClient.open(broker.port())) {
                    s.setSoTimeout(200);
                    OutputStream out = s.getOutputStream();
                    byte[] input = hostileInput(random, echo.port());
                    int at = 0;
                    while (at < input.length) {
                        int chunk = Math.min(input.length - at, 1 + random.nextInt(512));
                        out.write(input, at, chunk);
                        at += chunk;
                    }
                    if (random.nextBoolean()) {
                        s.shutdownOutput();
                    }
                    if (random.nextInt(4) == 0) {
                        s.getInputStream().read(new byte[64]);
                    }
                    if (random.nextBoolean()) {
                        s.setSoLinger(true, 0); // leave with a reset
                    }
                } catch (IOException e) {
                    // the broker may refuse and close first: that is its right
                }
                if (i == CASES / 2) {
                    await().atMost(Duration.ofSeconds(30)).until(() -> broker.broker().status().activeSessions() == 1);
                    socketsHalfway = settledSockets();
                }
                if (i % 100 == 0) {
                    byte[] message = ("still here " + i + "\n").getBytes(StandardCharsets.US_ASCII);
                    SocksClient.send(healthy, message);
                    assertThat(SocksClient.read(healthy, message.length)).as("case %d seed %d", i, seed).isEqualTo(message);
                }
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> broker.broker().status().activeSessions() == 1);
            assertThat(broker.broker().status().sessions()).singleElement()
                    .satisfies(v -> assertThat(v.phase()).isEqualTo("RELAY"));
            // Other tests' servers in this JVM may still be closing sockets, so allow a little slack, and
            // require that the second half of the cases added nothing: a leak grows with the cases.
            long socketsAfter = settledSockets();
            assertThat(socketsAfter).as("open sockets after all cases").isLessThanOrEqualTo(socketsBefore + 2);
            assertThat(socketsAfter).as("open sockets after the second half").isLessThanOrEqualTo(socketsHalfway);
            assertThat(brokerThreads()).isLessThanOrEqualTo(Math.max(threadsBefore, 1) + 4);
            assertThat(broker.broker().status().totals().accepted()).isEqualTo(CASES + 1);
        }
    }
}
