package org.ftb.regression;

import org.ftb.testing.Bytes;
import org.ftb.testing.EchoServer;
import org.ftb.testing.LogCapture;
import org.ftb.testing.SocksClient;
import org.ftb.testing.TestSshServer;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real parts of an ACTION(TUNNEL) load test: a MINA SSH server that takes the test key for any user,
 * an echo server as the destination, and clients that keep opening tunnels through the broker. The log
 * is captured from the start.
 */
final class TunnelRig implements AutoCloseable {
    final LogCapture log = new LogCapture();
    final TestSshServer ssh;
    final EchoServer echo;
    private final Path keyFile;
    private final Path knownHosts;

    private TunnelRig(Path dir) throws Exception {
        keyFile = dir.resolve("id_rsa");
        KeyPair key = TestSshServer.writeRsaKey(keyFile);
        ssh = TestSshServer.start(dir, Map.of(), key.getPublic(), true);
        echo = new EchoServer();
        knownHosts = dir.resolve("known_hosts");
        Files.writeString(knownHosts, ssh.knownHostsLine() + "\n");
    }

    static TunnelRig start(Path dir) throws Exception {
        return new TunnelRig(dir);
    }

    /** An SSHHOST statement for the SSH server, logging in as {@code tunnel} with the test key. */
    String sshHost(String name) {
        return "SSHHOST NAME(" + name + ") HOST(127.0.0.1) PORT(" + ssh.port() + ") KNOWNHOSTS('" + knownHosts + "') USER(tunnel) KEY('"
                + keyFile + "')\n";
    }

    /** The rule that tunnels the echo server's port through {@code sshHost}. */
    String rule(String sshHost) {
        return "RULE NAME(T) DEST(127.0.0.1) PORTS(" + echo.port() + ") ACTION(TUNNEL) VIA(" + sshHost + ")\n";
    }

    /** Starts {@code count} clients that open tunnels to the echo server through the broker at {@code socksPort} until stopped. */
    Clients clients(int socksPort, int count) {
        return new Clients(socksPort, count);
    }

    /** Clients opening one tunnel after another: each SOCKS 5 request, its reply, and the close. */
    final class Clients {
        final AtomicInteger succeeded = new AtomicInteger();
        /** What went wrong: a SOCKS reply other than success, or an exception. */
        final List<String> failures = new CopyOnWriteArrayList<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final List<Thread> threads = new ArrayList<>();

        private Clients(int socksPort, int count) {
            for (int i = 0; i < count; i++) {
                Thread t = new Thread(() -> {
                    while (running.get()) {
                        try (Socket s = SocksClient.open(socksPort)) {
                            byte[] reply = SocksClient.v5(s, Bytes.v5Ipv4(1, SocksClient.loopback(), echo.port()));
                            if (reply[1] == 0) {
                                succeeded.incrementAndGet();
                            } else {
                                failures.add("SOCKS reply " + reply[1]);
                            }
                        } catch (IOException e) {
                            failures.add(String.valueOf(e));
                        }
                    }
                }, "tunnel-client-" + i);
                t.start();
                threads.add(t);
            }
        }

        void stop() throws InterruptedException {
            running.set(false);
            for (Thread t : threads) {
                t.join();
            }
        }
    }

    @Override
    public void close() throws Exception {
        try {
            ssh.close();
            echo.close();
        } finally {
            log.close();
        }
    }
}
