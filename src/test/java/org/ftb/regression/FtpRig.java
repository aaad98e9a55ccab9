package org.ftb.regression;

import org.ftb.testing.Bytes;
import org.ftb.testing.LogCapture;
import org.ftb.testing.ScriptedFtpServer;
import org.ftb.testing.SocksClient;
import org.ftb.testing.TestBroker;
import org.ftb.testing.TestSshServer;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real parts of an FTP regression test: a scripted FTP server, a MINA SSH server that lets user
 * {@code u} with password {@code p} open tunnels, and a broker whose first rule carries the FTP
 * control port through SSH with ACTION(FTPTUNNEL) AUTH(FTPLOGIN). The log is captured from the start.
 */
final class FtpRig implements AutoCloseable {
    static final String USER = "u";
    static final String PASSWORD = "p";

    final LogCapture log = new LogCapture();
    final ScriptedFtpServer ftp;
    final TestSshServer ssh;
    final Path knownHosts;
    private TestBroker broker;

    private FtpRig(ScriptedFtpServer ftp, TestSshServer ssh, Path knownHosts) {
        this.ftp = ftp;
        this.ssh = ssh;
        this.knownHosts = knownHosts;
    }

    /** Starts the scripted FTP server and the SSH server; script the FTP server, then start the broker. */
    static FtpRig start(Path dir) throws IOException {
        ScriptedFtpServer ftp = ScriptedFtpServer.start();
        TestSshServer ssh = TestSshServer.start(dir, Map.of(USER, PASSWORD), null, true);
        Path knownHosts = dir.resolve("known_hosts");
        Files.writeString(knownHosts, ssh.knownHostsLine() + "\n");
        return new FtpRig(ftp, ssh, knownHosts);
    }

    /** The SSHHOST statement for the SSH server, with extra operands. */
    String sshHost(String operands) {
        return "SSHHOST NAME(GW) HOST(127.0.0.1) PORT(" + ssh.port() + ") KNOWNHOSTS('" + knownHosts + "') " + operands + "\n";
    }

    /** The rule that carries the FTP control port through SSH. */
    String ftpRule() {
        return "RULE NAME(FTP) DEST(127.0.0.1) PORTS(" + ftp.port() + ") ACTION(FTPTUNNEL) VIA(GW)\n";
    }

    /** Starts the broker with the SSH host and the FTPTUNNEL rule, then {@code moreRules}. */
    FtpRig broker(String moreRules) throws Exception {
        return brokerWith(sshHost("") + ftpRule() + moreRules);
    }

    /** Starts the broker with exactly this configuration. */
    FtpRig brokerWith(String config) throws Exception {
        broker = TestBroker.start(config);
        return this;
    }

    int brokerPort() {
        return broker.port();
    }

    /** The running broker, for what an operator asks of it (DISPLAY). */
    org.ftb.app.Broker running() {
        return broker.broker();
    }

    /** The operator's commands to the running broker, as from a console. */
    org.ftb.console.CommandDispatcher console() {
        return org.ftb.console.CommandDispatcher.standard(broker.broker(), broker.broker().messages());
    }

    /** A SOCKS 5 connection to the FTP server's control port; the broker's greeting is not read yet. */
    Control connect() throws IOException {
        Socket s = SocksClient.open(broker.port());
        assertThat(SocksClient.v5(s, Bytes.v5Ipv4(1, SocksClient.loopback(), ftp.port()))).as("SOCKS reply").startsWith(5, 0);
        return new Control(s);
    }

    /** Connected and logged in as u/p through the broker (its greeting, its 331, the server's 230). */
    Control login() throws IOException {
        return connect().logIn();
    }

    /** A data connection through SOCKS 5 to {@code a.b.c.d:port}. */
    Socket socksData(int[] address, int port) throws IOException {
        Socket d = SocksClient.open(broker.port());
        byte[] reply = SocksClient.v5(d, Bytes.v5Ipv4(1, address, port));
        assertThat(reply).as("SOCKS reply for the data connection to port %d", port).startsWith(5, 0);
        return d;
    }

    /** The audit records (FTB0200I) so far. */
    List<String> audit() {
        return log.withId("FTB0200I");
    }

    /** Waits up to {@code limit} for an audit record that matches; fails with every log line if none comes. */
    String awaitAudit(Predicate<String> which, Duration limit) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (true) {
            for (String line : audit()) {
                if (which.test(line)) {
                    return line;
                }
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("no such audit record within " + limit + "; the log:\n" + String.join("\n", log.lines()));
            }
            Thread.sleep(50);
        }
    }

    @Override
    public void close() throws Exception {
        try {
            if (broker != null) {
                broker.close();
            }
        } finally {
            ftp.close();
            ssh.close();
            log.close();
        }
    }

    /**
     * The client side of an FTP control connection through the broker, on a raw socket: lines in
     * ISO-8859-1, each with a time limit, and a transcript of what arrived for failure messages.
     */
    static final class Control implements AutoCloseable {
        static final Duration PROMPT = Duration.ofSeconds(10);

        final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private final List<String> received = new ArrayList<>();

        Control(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
            this.out = socket.getOutputStream();
        }

        /** Takes the greeting and logs in as u/p (the broker's 331, the server's 230); returns this. */
        Control logIn() throws IOException {
            assertThat(line()).startsWith("220 ");
            send("USER " + USER);
            assertThat(line()).startsWith("331");
            send("PASS " + PASSWORD);
            assertThat(line()).startsWith("230");
            return this;
        }

        void send(String line) throws IOException {
            sendRaw((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        }

        void sendRaw(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        /** The next line within {@link #PROMPT}. */
        String line() throws IOException {
            return line(PROMPT);
        }

        /**
         * The next line (CR LF or LF taken off) within {@code limit}. Fails, naming what came before, when
         * none comes in time, when the connection ends, or when it is reset.
         */
        String line(Duration limit) throws IOException {
            socket.setSoTimeout((int) limit.toMillis());
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            try {
                while (true) {
                    int b = in.read();
                    if (b < 0) {
                        throw new AssertionError("the broker closed the control connection after " + describe(line));
                    }
                    if (b == '\n') {
                        String text = line.toString(StandardCharsets.ISO_8859_1);
                        text = text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
                        received.add(text);
                        return text;
                    }
                    line.write(b);
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("no complete line within " + limit.toMillis() + " ms after " + describe(line), e);
            } catch (java.net.SocketException e) {
                throw new AssertionError("the control connection was reset (" + e.getMessage() + ") after " + describe(line), e);
            }
        }

        private String describe(ByteArrayOutputStream partial) {
            String last = received.isEmpty() ? "-" : abbreviate(received.get(received.size() - 1));
            return received.size() + " line(s) (last: " + last + ")" + (partial.size() > 0 ? " and " + partial.size() + " bytes of a line" : "");
        }

        private static String abbreviate(String s) {
            return s.length() > 100 ? s.substring(0, 100) + "...(" + s.length() + " chars)" : s;
        }

        /**
         * One reply as real clients read it (Commons Net's lenient parsing): the first line, and if it is
         * {@code ddd-}, every line up to one that starts with three digits and a blank.
         */
        List<String> reply(Duration limit) throws IOException {
            List<String> lines = new ArrayList<>();
            String first = line(limit);
            lines.add(first);
            if (first.length() > 3 && first.charAt(3) == '-') {
                String next;
                do {
                    next = line(limit);
                    lines.add(next);
                } while (!(next.length() >= 4 && next.substring(0, 3).chars().allMatch(Character::isDigit) && next.charAt(3) == ' '));
            }
            return lines;
        }

        /** Every line received so far. */
        List<String> received() {
            return List.copyOf(received);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
