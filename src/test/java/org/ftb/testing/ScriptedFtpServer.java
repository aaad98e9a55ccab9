package org.ftb.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted FTP server on loopback, port 0, for hostile and odd replies: the test maps each command
 * verb to a reply script. A script may send any text or raw bytes, wait, and serve or take a data
 * connection on the server's own data listener (also port 0).
 *
 * <p>Unscripted verbs get plain defaults: {@code USER} 331, {@code PASS} 230, {@code PASV} a 227 that
 * names 127.0.0.1 and the data listener, {@code EPSV} a 229 with the data port, {@code QUIT} 221 (and
 * the connection ends), anything else {@code 200 ok}.
 *
 * <p>Commands are read the way real servers read them: Telnet commands (IAC IP, IAC DM, option
 * negotiation) are taken out of the stream, a lone IAC-less byte is data, and a line ends at LF (a CR
 * before it is dropped). Every command line, so cleaned, is recorded in order for the test to check.
 * Each control connection runs on its own daemon thread; several may come one after another.
 */
public final class ScriptedFtpServer implements AutoCloseable {
    /** What a script does when its verb arrives. */
    @FunctionalInterface
    public interface Script {
        void run(Conversation c, String argument) throws Exception;
    }

    private static final int IAC = 0xFF;

    private final ServerSocket control;
    private final ServerSocket data;
    private final Map<String, Script> scripts = new ConcurrentHashMap<>();
    private final List<String> commands = new CopyOnWriteArrayList<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile String greeting = "220 scripted FTP server ready\r\n";
    private volatile Duration dataTimeout = Duration.ofSeconds(20);
    private volatile boolean closed;

    private ScriptedFtpServer() throws IOException {
        control = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        data = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    /** Starts accepting control connections at once; script it before the first client arrives. */
    public static ScriptedFtpServer start() throws IOException {
        ScriptedFtpServer server = new ScriptedFtpServer();
        Thread acceptor = new Thread(server::acceptLoop, "scripted-ftp-accept");
        acceptor.setDaemon(true);
        server.threads.add(acceptor);
        acceptor.start();
        return server;
    }

    /** The control port. */
    public int port() {
        return control.getLocalPort();
    }

    /** The port of the server's own data listener. */
    public int dataPort() {
        return data.getLocalPort();
    }

    /** {@code h1,h2,h3,h4,p1,p2} for a 227 reply naming {@code host} (dotted IPv4) and the data listener. */
    public String pasvTuple(String host) {
        return host.replace('.', ',') + "," + (dataPort() >> 8) + "," + (dataPort() & 0xFF);
    }

    /** The greeting, sent as given (a missing final line end is added). */
    public ScriptedFtpServer greeting(String text) {
        greeting = withLineEnd(text);
        return this;
    }

    /** Answers {@code verb} (any case) with {@code reply}, sent as given; a missing final line end is added. */
    public ScriptedFtpServer on(String verb, String reply) {
        String text = withLineEnd(reply);
        return on(verb, (c, argument) -> c.send(text));
    }

    /** Answers {@code verb} (any case) with a script. */
    public ScriptedFtpServer on(String verb, Script script) {
        scripts.put(verb.toUpperCase(Locale.ROOT), script);
        return this;
    }

    /** How long a script waits for a data connection before it fails. */
    public ScriptedFtpServer dataTimeout(Duration timeout) {
        dataTimeout = timeout;
        return this;
    }

    /** Every command line received so far, Telnet commands taken out, in order, across connections. */
    public List<String> commands() {
        return List.copyOf(commands);
    }

    /** Control connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    /** Waits until a command with this verb has been received; true if it came within {@code timeout}. */
    public boolean awaitCommand(String verb, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        do {
            if (commands.stream().anyMatch(c -> verbOf(c).equals(verb.toUpperCase(Locale.ROOT)))) {
                return true;
            }
            Thread.sleep(20);
        } while (System.nanoTime() < end);
        return false;
    }

    private static String withLineEnd(String text) {
        return text.endsWith("\n") ? text : text + "\r\n";
    }

    static String verbOf(String line) {
        int space = line.indexOf(' ');
        return (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
    }

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = control.accept();
            } catch (IOException e) {
                return; // closed
            }
            connections.incrementAndGet();
            open.add(s);
            Thread t = new Thread(() -> converse(s), "scripted-ftp-" + connections.get());
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    private void converse(Socket s) {
        try (s) {
            s.setTcpNoDelay(true);
            Conversation c = new Conversation(s);
            c.send(greeting);
            String line;
            while ((line = c.readCommand()) != null) {
                commands.add(line);
                String verb = verbOf(line);
                String argument = line.length() > verb.length() ? line.substring(verb.length()).strip() : "";
                Script script = scripts.get(verb);
                if (script != null) {
                    script.run(c, argument);
                } else {
                    c.send(defaultReply(verb));
                }
                if (verb.equals("QUIT") || c.ended) {
                    return;
                }
            }
        } catch (Exception e) {
            // the test ended the conversation, or a script gave up
        }
    }

    private String defaultReply(String verb) {
        return switch (verb) {
            case "USER" -> "331 password please\r\n";
            case "PASS" -> "230 logged in\r\n";
            case "PASV" -> "227 Entering Passive Mode (" + pasvTuple("127.0.0.1") + ")\r\n";
            case "EPSV" -> "229 Entering Extended Passive Mode (|||" + dataPort() + "|)\r\n";
            case "QUIT" -> "221 bye\r\n";
            default -> "200 ok\r\n";
        };
    }

    /** One control connection, as a script sees it. */
    public final class Conversation {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private boolean ended;

        private Conversation(Socket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        /** Sends text exactly as given (ISO-8859-1), no line end added, and flushes. */
        public void send(String text) throws IOException {
            sendRaw(text.getBytes(StandardCharsets.ISO_8859_1));
        }

        /** Sends one line with CRLF. */
        public void reply(String line) throws IOException {
            send(line + "\r\n");
        }

        /** Sends raw bytes and flushes. */
        public void sendRaw(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        /** Ends this control connection after the script (no further command is read). */
        public void end() {
            ended = true;
        }

        /** The server this conversation belongs to. */
        public ScriptedFtpServer server() {
            return ScriptedFtpServer.this;
        }

        /** Accepts the next data connection on the data listener. */
        public Socket acceptData() throws IOException {
            data.setSoTimeout((int) dataTimeout.toMillis());
            try {
                Socket d = data.accept();
                open.add(d);
                return d;
            } catch (SocketTimeoutException e) {
                throw new IOException("no data connection within " + dataTimeout, e);
            }
        }

        /** Accepts a data connection, writes {@code payload} to it and closes it. */
        public void serveData(byte[] payload) throws IOException {
            try (Socket d = acceptData()) {
                d.getOutputStream().write(payload);
            }
        }

        /** Accepts a data connection and reads it to its end. */
        public byte[] receiveData() throws IOException {
            try (Socket d = acceptData()) {
                d.setSoTimeout((int) dataTimeout.toMillis());
                return d.getInputStream().readAllBytes();
            }
        }

        /**
         * Reads one command line, Telnet commands taken out; null at end of stream. The text is
         * ISO-8859-1, so any byte that is not part of a Telnet command shows as itself.
         */
        String readCommand() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            while (true) {
                int b = in.read();
                if (b < 0) {
                    return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
                }
                if (b == IAC) {
                    int command = in.read();
                    if (command < 0) {
                        return null;
                    }
                    if (command == IAC) {
                        line.write(IAC); // an escaped 0xFF data byte
                    } else if (command >= 251 && command <= 254) {
                        in.read(); // WILL, WONT, DO, DONT and their option
                    }
                    continue; // IP, DM, AO, AYT, ...: not part of the command
                }
                if (b == '\n') {
                    String text = line.toString(StandardCharsets.ISO_8859_1);
                    return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
                }
                line.write(b);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            control.close();
        } catch (IOException e) {
            // closing
        }
        try {
            data.close();
        } catch (IOException e) {
            // closing
        }
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException e) {
                // closing
            }
        }
        for (Thread t : threads) {
            t.interrupt();
        }
        for (Thread t : threads) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
