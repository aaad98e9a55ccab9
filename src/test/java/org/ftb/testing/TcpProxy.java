package org.ftb.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP forwarder on an ephemeral port, for fault tests: every connection it accepts is
 * forwarded to one target, and the test can cut the connections open now, either with a clean FIN
 * to both peers ({@link Cut#FIN}) or with a reset to both ({@link Cut#RST}, SO_LINGER 0). It counts
 * the connections it has accepted. It can hold back what the target sends on chosen connections
 * ({@link #holdReplies}), as an FTP server does whose listen queue dropped the handshake. Two daemon
 * threads per connection; meant for a handful of connections, such as the SSH connections of a broker.
 */
public final class TcpProxy implements AutoCloseable {
    /** How a connection is cut. */
    public enum Cut {
        /** Both peers get a FIN (end of stream), nothing more is forwarded either way. */
        FIN,
        /** Both peers get an RST. */
        RST
    }

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final AtomicInteger accepted = new AtomicInteger();
    private final List<Link> links = new CopyOnWriteArrayList<>();
    private final List<Duration> holds = new CopyOnWriteArrayList<>();
    private final Thread acceptor;
    private volatile boolean closed;

    private TcpProxy(ServerSocket listener, InetSocketAddress target) {
        this.listener = listener;
        this.target = target;
        this.acceptor = new Thread(this::acceptLoop, "tcp-proxy-accept-" + listener.getLocalPort());
        acceptor.setDaemon(true);
    }

    /** Starts forwarding a loopback port to {@code 127.0.0.1:targetPort}. */
    public static TcpProxy start(int targetPort) throws IOException {
        return start(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort));
    }

    public static TcpProxy start(InetSocketAddress target) throws IOException {
        ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        TcpProxy proxy = new TcpProxy(listener, target);
        proxy.acceptor.start();
        return proxy;
    }

    /** The port to connect to instead of the target's. */
    public int port() {
        return listener.getLocalPort();
    }

    /**
     * Holds back what the target sends on the connections accepted from now: the first waits
     * {@code perConnection[0]} before anything of the target's is passed on, and so on; a hold ends
     * early when the peer that connected ends its side. Later connections are not held.
     */
    public void holdReplies(Duration... perConnection) {
        holds.addAll(List.of(perConnection));
    }

    /** Connections accepted since start. */
    public int connections() {
        return accepted.get();
    }

    /** Connections accepted and neither cut nor ended by their peers. */
    public int openConnections() {
        return (int) links.stream().filter(l -> !l.done.get()).count();
    }

    /** Cuts every connection open now; returns how many were cut. New connections are still accepted. */
    public int cutAll(Cut how) {
        int n = 0;
        for (Link link : links) {
            if (link.cut(how)) {
                n++;
            }
        }
        return n;
    }

    /**
     * Silences every connection open now: what either peer sends is read and dropped, and neither hears
     * of it (no FIN, no reset), as on a route that black-holes packets or with a server that hangs.
     * Returns how many were silenced. New connections are still accepted and forwarded.
     */
    public int silenceAll() {
        int n = 0;
        for (Link link : links) {
            if (!link.done.get() && link.cut.compareAndSet(false, true)) {
                n++;
            }
        }
        return n;
    }

    private void acceptLoop() {
        while (!closed) {
            Socket downstream;
            try {
                downstream = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            accepted.incrementAndGet();
            Socket upstream = new Socket();
            try {
                downstream.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                upstream.connect(target, 10_000);
            } catch (IOException e) {
                abort(downstream);
                abort(upstream);
                continue;
            }
            Link link = new Link(downstream, upstream, holds.isEmpty() ? Duration.ZERO : holds.remove(0));
            links.add(link);
            link.start();
        }
    }

    /** One forwarded connection: the peer that connected to us (down) and our connection to the target (up). */
    private final class Link {
        private final Socket down;
        private final Socket up;
        /** Set once the link is cut: from then on nothing is forwarded. */
        private final AtomicBoolean cut = new AtomicBoolean();
        private final AtomicBoolean done = new AtomicBoolean();
        private final AtomicInteger pumpsRunning = new AtomicInteger(2);
        private final Duration hold;
        private final CountDownLatch peerEnded = new CountDownLatch(1);

        Link(Socket down, Socket up, Duration hold) {
            this.down = down;
            this.up = up;
            this.hold = hold;
        }

        void start() {
            Thread a = new Thread(() -> {
                pump(down, up);
                peerEnded.countDown();
            }, "tcp-proxy-up-" + down.getPort());
            Thread b = new Thread(() -> {
                try {
                    peerEnded.await(hold.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                pump(up, down);
            }, "tcp-proxy-down-" + down.getPort());
            a.setDaemon(true);
            b.setDaemon(true);
            a.start();
            b.start();
        }

        /**
         * Copies one direction. A clean end of stream is passed on as a FIN; an error resets both
         * sides. After a cut, what still arrives is read and dropped, so closing never resets.
         */
        private void pump(Socket from, Socket to) {
            byte[] buffer = new byte[64 * 1024];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (!cut.get()) {
                        try {
                            out.write(buffer, 0, n);
                        } catch (IOException e) {
                            if (!cut.get()) {
                                throw e;
                            }
                        }
                    }
                }
                if (!cut.get()) {
                    to.shutdownOutput();
                }
            } catch (IOException e) {
                if (!cut.get()) {
                    // A peer broke: pass the break on to the other peer as a reset.
                    resetBoth();
                }
            } finally {
                if (pumpsRunning.decrementAndGet() == 0) {
                    finish();
                }
            }
        }

        boolean cut(Cut how) {
            if (done.get() || !cut.compareAndSet(false, true)) {
                return false;
            }
            if (how == Cut.RST) {
                resetBoth();
            } else {
                // FIN to both peers; the pumps drain and drop what still arrives, and close once both peers have ended.
                shutdownOutput(down);
                shutdownOutput(up);
            }
            return true;
        }

        private void resetBoth() {
            cut.set(true);
            abort(down);
            abort(up);
            done.set(true);
        }

        private void finish() {
            done.set(true);
            closeQuietly(down);
            closeQuietly(up);
        }
    }

    private static void shutdownOutput(Socket socket) {
        try {
            socket.shutdownOutput();
        } catch (IOException e) {
            // already closed
        }
    }

    private static void abort(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (SocketException e) {
            // not connected or closed: a close is all there is
        }
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // best effort
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException e) {
            // best effort
        }
        for (Link link : links) {
            link.resetBoth();
        }
    }
}
