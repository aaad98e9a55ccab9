package org.ftb.net;

import org.ftb.app.Broker;
import org.ftb.testing.Bytes;
import org.ftb.testing.EchoServer;
import org.ftb.testing.TestBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A thousand DIRECT connections open at once through one broker, each echoing its own message, while
 * the broker's threads stay few. The clients use blocking channels from the test thread only, so the
 * test itself adds no threads.
 */
@Timeout(120)
class ThousandConnectionsTest {
    private static final int CONNECTIONS = 1000;
    private static final int THREAD_LIMIT = 64;

    private static long brokerThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(Broker.THREAD_PREFIX)).count();
    }

    private static void exchange(SocketChannel channel, ByteBuffer out, ByteBuffer in) throws IOException {
        while (out.hasRemaining()) {
            channel.write(out);
        }
        while (in.hasRemaining()) {
            if (channel.read(in) < 0) {
                throw new IOException("closed early");
            }
        }
    }

    @Test
    void aThousandConcurrentConnectionsEchoWithFewThreads() throws Exception {
        try (EchoServer echo = new EchoServer();
             TestBroker broker = TestBroker.start("BROKER MAXSESSIONS(2000)\nRULE NAME(ECHO) DEST(127.0.0.1) ACTION(DIRECT)")) {
            List<SocketChannel> clients = new ArrayList<>();
            long maxThreads = 0;
            try {
                byte[] request = Bytes.of(5, 1, 0).then(Bytes.v5Ipv4(1, new int[]{127, 0, 0, 1}, echo.port())).get();
                for (int i = 0; i < CONNECTIONS; i++) {
                    SocketChannel c = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), broker.port()));
                    c.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    clients.add(c);
                    exchange(c, ByteBuffer.wrap(request), ByteBuffer.allocate(2 + 10));
                    maxThreads = Math.max(maxThreads, brokerThreads());
                }
                assertThat(broker.broker().status().activeSessions()).isEqualTo(CONNECTIONS);
                assertThat(echo.connections()).isEqualTo(CONNECTIONS);
                // All open at once: each gets its own message back, in two rounds to show the relays stay alive.
                for (int round = 0; round < 2; round++) {
                    for (int i = 0; i < CONNECTIONS; i++) {
                        byte[] message = ("connection " + i + " round " + round + "\n").getBytes(StandardCharsets.US_ASCII);
                        ByteBuffer reply = ByteBuffer.allocate(message.length);
                        exchange(clients.get(i), ByteBuffer.wrap(message), reply);
                        assertThat(reply.array()).isEqualTo(message);
                    }
                    maxThreads = Math.max(maxThreads, brokerThreads());
                }
                assertThat(broker.broker().status().totals().bytesUp()).isGreaterThan(CONNECTIONS * 2L * 20);
            } finally {
                for (SocketChannel c : clients) {
                    c.close();
                }
            }
            await().until(() -> broker.broker().status().activeSessions() == 0);
            assertThat(maxThreads).as("broker threads").isPositive().isLessThan(THREAD_LIMIT);
            assertThat(Thread.activeCount()).as("all threads of the test JVM").isLessThan(THREAD_LIMIT + 20);
        }
    }
}
