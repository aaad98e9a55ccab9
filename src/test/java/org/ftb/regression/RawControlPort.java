package org.ftb.regression;

import org.ftb.gateway.Gateway;
import org.ftb.testing.TestBroker;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A raw FTP control port for the "silent server" attacks: connection n (from 1) does what the n-th
 * {@link Conduct} says (stay silent, greet at a signal, close without a byte), and the port records
 * what each connection received and whether the peer ended it. Once greeted, a connection answers
 * USER 331, PASS 230, QUIT 221 (and closes), anything else 200, as a minimal server does; lines that
 * came before the greeting are answered after it, as a server that reads only once it has greeted.
 */
final class RawControlPort implements AutoCloseable {
    /** What one accepted connection does. */
    interface Conduct {
        void run(Conn c) throws Exception;
    }

    static Conduct silent() {
        return c -> { };
    }

    static Conduct greetWhen(CountDownLatch go) {
        return c -> {
            go.await();
            c.greet();
        };
    }

    static Conduct greetAfter(Duration delay) {
        return c -> {
            Thread.sleep(delay.toMillis());
            c.greet();
        };
    }

    /** Ends the connection without a byte (FIN) after {@code delay}. */
    static Conduct closeAfter(Duration delay) {
        return c -> {
            Thread.sleep(delay.toMillis());
            c.socket.close();
        };
    }

    /** One accepted connection. */
    static final class Conn {
        final int n;
        final Socket socket;
        final StringBuilder received = new StringBuilder();
        final CountDownLatch ended = new CountDownLatch(1);
        private final List<String> pending = new ArrayList<>();
        private boolean greeted;

        Conn(int n, Socket socket) {
            this.n = n;
            this.socket = socket;
        }

        synchronized String received() {
            return received.toString();
        }

        boolean ended(Duration within) throws InterruptedException {
            return ended.await(within.toMillis(), TimeUnit.MILLISECONDS);
        }

        void greet() throws IOException {
            synchronized (this) {
                greeted = true;
                write("220 raw server " + n + " ready\r\n");
                for (String line : pending) {
                    answer(line);
                }
                pending.clear();
            }
        }

        private synchronized void line(String line) throws IOException {
            if (greeted) {
                answer(line);
            } else {
                pending.add(line);
            }
        }

        private void answer(String line) throws IOException {
            String verb = line.split(" ", 2)[0].toUpperCase(java.util.Locale.ROOT);
            switch (verb) {
                case "USER" -> write("331 password please\r\n");
                case "PASS" -> write("230 logged in\r\n");
                case "QUIT" -> {
                    write("221 bye\r\n");
                    socket.close();
                }
                default -> write("200 ok\r\n");
            }
        }

        private void write(String text) throws IOException {
            OutputStream out = socket.getOutputStream();
            out.write(text.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        private void read() {
            try (InputStream in = socket.getInputStream()) {
                StringBuilder line = new StringBuilder();
                int b;
                while ((b = in.read()) >= 0) {
                    synchronized (this) {
                        received.append((char) b);
                    }
                    if (b == '\n') {
                        line(line.toString().strip());
                        line.setLength(0);
                    } else {
                        line.append((char) b);
                    }
                }
            } catch (IOException e) {
                // reset or closed here: ended all the same
            } finally {
                ended.countDown();
            }
        }
    }

    private final ServerSocket listener;
    private final List<Conduct> conducts;
    final List<Conn> conns = new CopyOnWriteArrayList<>();
    private volatile boolean closeListenerAfterFirst;

    RawControlPort(Conduct... conducts) throws IOException {
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.conducts = List.of(conducts);
        Thread t = new Thread(this::accept, "raw-ftp-accept");
        t.setDaemon(true);
        t.start();
    }

    /** After the first connection, the port is closed: later connects are refused. */
    RawControlPort refuseAfterFirst() {
        closeListenerAfterFirst = true;
        return this;
    }

    int port() {
        return listener.getLocalPort();
    }

    int connections() {
        return conns.size();
    }

    Conn conn(int n) {
        return conns.get(n - 1);
    }

    private void accept() {
        while (true) {
            Socket s;
            try {
                s = listener.accept();
            } catch (IOException e) {
                return;
            }
            int n = conns.size() + 1;
            Conn c = new Conn(n, s);
            conns.add(c);
            Conduct conduct = n <= conducts.size() ? conducts.get(n - 1) : silent();
            Thread reader = new Thread(c::read, "raw-ftp-read-" + n);
            reader.setDaemon(true);
            reader.start();
            Thread doer = new Thread(() -> {
                try {
                    conduct.run(c);
                } catch (Exception e) {
                    // the connection went meanwhile
                }
            }, "raw-ftp-conduct-" + n);
            doer.setDaemon(true);
            doer.start();
            if (closeListenerAfterFirst) {
                try {
                    listener.close();
                } catch (IOException e) {
                    // closed
                }
                return;
            }
        }
    }

    /**
     * A broker whose one rule tunnels FTP to this port through {@code gateway}, whose host key it trusts,
     * AUTH(FTPLOGIN) by default: the FTP login is the SSH login.
     */
    TestBroker brokerVia(Gateway gateway, Path dir, int connectTimeoutSeconds) throws Exception {
        Path knownHosts = dir.resolve("known_hosts");
        Files.writeString(knownHosts, gateway.knownHostsLine() + "\n");
        return TestBroker.start("BROKER CONNECTTIMEOUT(" + connectTimeoutSeconds + ")\nSSHHOST NAME(GW) HOST(127.0.0.1) PORT(" + gateway.port()
                + ") KNOWNHOSTS('" + knownHosts + "')\nRULE NAME(FTP) DEST(127.0.0.1) PORTS(" + port() + ") ACTION(FTPTUNNEL) VIA(GW)\n");
    }

    /** Greeting (220), USER (331), then PASS sent: the login's reply is the caller's to read. */
    static void sendLogin(Socket client, String user, String password) throws IOException {
        assertThat(readLine(client)).startsWith("220");
        send(client, "USER " + user);
        assertThat(readLine(client)).startsWith("331");
        send(client, "PASS " + password);
    }

    /** A client socket to {@code port} on loopback through the broker's SOCKS port. */
    static Socket client(int brokerPort, int port) throws IOException {
        Socket s = new Socket(new Proxy(Proxy.Type.SOCKS, new InetSocketAddress("127.0.0.1", brokerPort)));
        s.setSoTimeout(30_000);
        s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        return s;
    }

    /** Reads one line (up to LF) from the socket, or null at its end. */
    static String readLine(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                return b.toString().strip();
            }
            b.append((char) c);
        }
        return b.length() == 0 ? null : b.toString();
    }

    static void send(Socket s, String line) throws IOException {
        s.getOutputStream().write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Conn c : conns) {
            c.socket.close();
        }
    }
}
