package org.ftb.ftp;

import org.ftb.message.Msg;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * The FTP control connection as the broker sees it, without any I/O: events in (bytes from either
 * side, the way to the server opened or failed, a side ended), {@link Effect}s out, in order. It
 * reads every line but holds back only what it must rewrite: server reply lines pass through as they
 * arrive, except passive replies (227/229, RFC 959 4.1.2 and RFC 2428), which point the client at a
 * broker data port instead of the server's. Active mode and TLS are refused with clear replies.
 *
 * <p>With AUTH(FTPLOGIN) the broker greets the client itself, takes USER and PASS, asks for the way
 * to the server to be opened with them (the SSH login) and replays the login to the server; with
 * AUTH(KEY) the way is already open and the dialogue is relayed from the server's greeting on.
 * Not thread-safe: one thread drives it.
 */
public final class ControlSession {
    /** Longest reply line held for rewriting; other lines pass through whatever their length. */
    public static final int MAX_HELD_LINE = 8 * 1024;
    /** Most lines of one passive reply. */
    public static final int MAX_HELD_LINES = 64;

    /** What the driver must do. */
    public sealed interface Effect {
        /** Bytes for the client. */
        record ToClient(byte[] bytes) implements Effect {
        }

        /** Bytes for the server. */
        record ToServer(byte[] bytes) implements Effect {
        }

        /** Open the way to the server, logging in to the SSH host as {@code user}; answer with serverOpened or serverFailed. */
        record OpenServer(String user, char[] password) implements Effect {
        }

        /** Close the way to the server (its login failed); the session goes on. */
        record DropServer() implements Effect {
        }

        /** The client ended its side: end the server's side once everything for it is written. */
        record EndServerOutput() implements Effect {
        }

        /** End the session once everything for the client is written. */
        record Close() implements Effect {
        }

        /** The FTP login succeeded end to end. */
        record LoggedIn(String user) implements Effect {
        }

        /** A message for the operator log; the driver puts the session's tag in front of {@code args}. */
        record Log(Msg msg, List<Object> args) implements Effect {
        }
    }

    /** Broker data ports: the narrow part of the networking layer that the FTP session needs. */
    public interface DataPorts {
        /**
         * Opens a port for one data connection to the control connection's server port
         * {@code serverPort}; the address the server named is only a hint.
         *
         * @return the local port the client must use
         * @throws IOException when no port can be opened (the client gets 425)
         */
        int announce(int serverPort, Optional<String> hintAddress) throws IOException;

        /** The IPv4 address for 227 replies. */
        byte[] address();
    }

    private enum Stage { USER, PASS, LOGIN, RELAY, CLOSED }

    /** Which reply of the login replay is awaited. */
    private enum Replay { NONE, GREETING, USER, PASS }

    /** What happens to the lines of the reply being read. */
    private enum Disposition { PASS, DISCARD, HOLD }

    private final DataPorts ports;
    private final String serverText;
    private final String sshHost;
    private final FtpCommandReader commands = new FtpCommandReader();
    private final Deque<FtpCommand> waiting = new ArrayDeque<>();
    private List<Effect> out = new ArrayList<>();
    private Stage stage;
    private Replay replay = Replay.NONE;
    private volatile String user = "";
    private char[] password;
    private volatile int transfers;
    private boolean loginRefused;
    private boolean loggedIn;
    /** AUTH(KEY): the server's greeting has not come yet. */
    private boolean awaitingGreeting;
    /** The client ended its side; the end goes to the server after the commands still waiting. */
    private boolean clientEnded;
    /** Relayed commands whose final reply has not come yet; broker replies wait for it, to keep replies in order. */
    private int outstanding;

    // Server side: the line being read and the reply it belongs to.
    private final byte[] head = new byte[4];
    private int headLength;
    private boolean inHead = true;
    private boolean lineEndsReply;
    private int replyCode = -1;
    private Disposition disposition = Disposition.PASS;
    private final ByteArrayOutputStream heldLine = new ByteArrayOutputStream();
    private final List<String> heldLines = new ArrayList<>();
    private String holdProblem;
    private final ByteArrayOutputStream passing = new ByteArrayOutputStream();

    private ControlSession(DataPorts ports, String serverText, String sshHost, Stage stage) {
        this.ports = ports;
        this.serverText = serverText;
        this.sshHost = sshHost;
        this.stage = stage;
    }

    /** AUTH(FTPLOGIN): the broker greets the client and logs in to the SSH host with the FTP login. */
    public static ControlSession loginFirst(DataPorts ports, String serverText, String sshHost) {
        return new ControlSession(ports, serverText, sshHost, Stage.USER);
    }

    /** AUTH(KEY): the way to the server is open; its greeting is the first reply. */
    public static ControlSession overOpenServer(DataPorts ports, String serverText) {
        ControlSession session = new ControlSession(ports, serverText, "-", Stage.RELAY);
        session.outstanding = 1;
        session.awaitingGreeting = true;
        return session;
    }

    /** The session begins. */
    public List<Effect> start() {
        if (stage == Stage.USER) {
            reply(220, "FTP Tunnel Broker ready: log in to reach " + serverText + " through SSH host " + sshHost);
        }
        return effects();
    }

    /** The FTP user, once given. */
    public String user() {
        return user;
    }

    /** Transfers the server began (150 and 125 replies). */
    public int transfers() {
        return transfers;
    }

    /** How the session went, for its audit record: {@code LOGIN_REFUSED} when no login ever succeeded after a refusal. */
    public String result() {
        return loginRefused && !loggedIn ? "LOGIN_REFUSED" : "OK";
    }

    /**
     * True while the session waits for the server to speak first (its greeting, or a reply of the
     * login replay): a server that stays silent here has not seen the connection, and the driver
     * gives it a deadline.
     */
    public boolean awaitsServer() {
        return replay != Replay.NONE || awaitingGreeting;
    }

    /** True while client commands are held until the way to the server is open: stop reading the client. */
    public boolean holdsClient() {
        return stage == Stage.LOGIN;
    }

    // ---- events ----

    public List<Effect> fromClient(ByteBuffer data) {
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        waiting.addAll(commands.feed(bytes, 0, bytes.length));
        drainCommands();
        return effects();
    }

    public List<Effect> fromServer(ByteBuffer bytes) {
        ByteBuffer data = bytes.hasArray() ? bytes : ByteBuffer.allocate(bytes.remaining()).put(bytes).flip();
        while (data.hasRemaining()) {
            if (inHead) {
                byte b = data.get();
                head[headLength++] = b;
                if (b == '\n' || headLength == head.length) {
                    inHead = false;
                    beginLine();
                    if (b == '\n') {
                        endLine();
                    }
                }
                continue;
            }
            int start = data.position();
            int end = start;
            while (end < data.limit() && data.get(end) != '\n') {
                end++;
            }
            boolean complete = end < data.limit();
            int stop = complete ? end + 1 : end;
            lineBytes(data, start, stop - start);
            data.position(stop);
            if (complete) {
                endLine();
            }
        }
        flushPassing();
        return effects();
    }

    /** The way to the server is open (AUTH(FTPLOGIN)): the login replay starts with the server's greeting. */
    public List<Effect> serverOpened() {
        replay = Replay.GREETING;
        return effects();
    }

    /**
     * The way to the server could not be opened.
     *
     * @param loginRefusal true when the SSH host refused the user's password: the client may try again
     * @param reason       for the client and the log; never holds the password
     */
    public List<Effect> serverFailed(boolean loginRefusal, String reason) {
        wipePassword();
        if (loginRefusal) {
            loginRefused = true;
            log(Msg.FTB0233W, user, reason);
            reply(530, "Login incorrect: SSH host " + sshHost + " refused user " + user);
            stage = Stage.USER;
            drainCommands();
        } else {
            reply(421, "Service not available: " + reason);
            close();
        }
        return effects();
    }

    /** The server ended its side of the control connection. */
    public List<Effect> serverEnded() {
        if (replay != Replay.NONE) {
            reply(421, "The FTP server closed the connection during login");
        }
        close();
        return effects();
    }

    /** The client ended its side: pass the end on, or end a session that never reached the server. */
    public List<Effect> clientEnded() {
        if (stage == Stage.RELAY) {
            clientEnded = true;
            drainCommands();
        } else {
            close();
        }
        return effects();
    }

    // ---- client commands ----

    private void drainCommands() {
        while (!waiting.isEmpty() && stage != Stage.LOGIN && stage != Stage.CLOSED) {
            FtpCommand c = waiting.peek();
            if (stage == Stage.RELAY && outstanding > 0 && answeredHere(c)) {
                return; // its reply must not overtake the replies still due from the server
            }
            waiting.poll();
            command(c);
        }
        if (clientEnded && waiting.isEmpty() && stage == Stage.RELAY) {
            clientEnded = false;
            out.add(new Effect.EndServerOutput());
        }
    }

    /** Commands the broker answers itself once logged in. */
    private static boolean answeredHere(FtpCommand c) {
        return c == FtpCommand.TOO_LONG || switch (c.verb()) {
            case "AUTH", "PBSZ", "PROT", "CCC", "PORT", "EPRT", "LPRT" -> true;
            default -> false;
        };
    }

    private void command(FtpCommand c) {
        if (c == FtpCommand.TOO_LONG) {
            log(Msg.FTB0240W, FtpCommandReader.MAX_LINE);
            reply(500, "Command line longer than " + FtpCommandReader.MAX_LINE + " bytes; not sent to the server");
            return;
        }
        switch (c.verb()) {
            case "AUTH", "PBSZ", "PROT", "CCC" -> {
                if (c.verb().equals("AUTH")) {
                    log(Msg.FTB0236I, "AUTH " + c.argument(), "the broker must read the control connection; the SSH tunnel already encrypts it");
                }
                reply(534, "AUTH TLS/SSL is refused here: the FTP Tunnel Broker must read the control connection, "
                        + "and the SSH tunnel already encrypts the session");
                return;
            }
            case "PORT", "EPRT", "LPRT" -> {
                log(Msg.FTB0236I, c.verb(), "active mode is not available through the broker");
                reply(502, "Active mode (" + c.verb() + ") is not available through the FTP Tunnel Broker; use passive mode "
                        + "(PASV/EPSV; z/OS FTP: FWFRIENDLY TRUE)");
                return;
            }
            case "QUIT" -> {
                if (stage != Stage.RELAY) {
                    reply(221, "Goodbye");
                    close();
                    return;
                }
            }
            default -> {
                // relayed or handled by stage below
            }
        }
        switch (stage) {
            case USER -> {
                if (c.verb().equals("USER") && !c.argument().isBlank()) {
                    user = c.argument().strip();
                    stage = Stage.PASS;
                    reply(331, "Password required for " + user);
                } else {
                    reply(530, "Please log in with USER and PASS");
                }
            }
            case PASS -> {
                if (c.verb().equals("PASS")) {
                    password = c.argument().toCharArray();
                    stage = Stage.LOGIN;
                    out.add(new Effect.OpenServer(user, password.clone()));
                } else if (c.verb().equals("USER")) {
                    stage = Stage.USER;
                    command(c);
                } else {
                    reply(503, "Send PASS next");
                }
            }
            case RELAY -> {
                if (c.verb().equals("USER")) {
                    user = c.argument().strip();
                }
                outstanding++;
                toServer(c.raw());
            }
            default -> throw new IllegalStateException("command in stage " + stage);
        }
    }

    // ---- server replies, line by line ----

    /** The first bytes of a line are in: decide what happens to the line. */
    private void beginLine() {
        boolean isCode = headLength >= 3 && isCode(head);
        byte separator = headLength == 4 ? head[3] : (byte) '\n';
        boolean ends = separator != '-';
        if (replyCode < 0) {
            if (isCode) {
                replyCode = code(head);
                disposition = replyStarts(replyCode);
            } else {
                disposition = replay == Replay.NONE ? Disposition.PASS : Disposition.DISCARD; // not a reply: passed on as text
            }
            lineEndsReply = isCode && ends;
        } else {
            // RFC 959 4.2: any "ddd " line ends a multi-line reply, as real clients read it.
            lineEndsReply = isCode && separator != '-';
        }
        lineBytes(ByteBuffer.wrap(head, 0, headLength), 0, headLength);
        headLength = 0;
    }

    private void lineBytes(ByteBuffer data, int start, int length) {
        switch (disposition) {
            case PASS -> passing.write(data.array(), data.arrayOffset() + start, length);
            case DISCARD -> {
                // login replies the client does not see
            }
            case HOLD -> {
                if (holdProblem == null && heldLine.size() + length > MAX_HELD_LINE) {
                    holdProblem = "a line longer than " + MAX_HELD_LINE + " bytes";
                }
                if (holdProblem == null) {
                    heldLine.write(data.array(), data.arrayOffset() + start, length);
                }
            }
        }
    }

    private void endLine() {
        inHead = true;
        if (disposition == Disposition.HOLD && holdProblem == null) {
            if (heldLines.size() >= MAX_HELD_LINES) {
                holdProblem = "more than " + MAX_HELD_LINES + " lines";
            } else {
                String line = heldLine.toString(StandardCharsets.ISO_8859_1);
                heldLines.add(line.strip());
            }
        }
        heldLine.reset();
        if (lineEndsReply && replyCode >= 0) {
            int code = replyCode;
            replyCode = -1;
            flushPassing();
            replyEnded(code);
        }
    }

    private Disposition replyStarts(int code) {
        if (replay != Replay.NONE) {
            return switch (replay) {
                case GREETING -> code == 220 || code / 100 == 1 ? Disposition.DISCARD : Disposition.PASS;
                case USER -> code == 331 || code / 100 == 1 ? Disposition.DISCARD : Disposition.PASS;
                default -> code / 100 == 1 ? Disposition.DISCARD : Disposition.PASS;
            };
        }
        if (code == 150 || code == 125) {
            transfers++;
        }
        return code == 227 || code == 229 ? Disposition.HOLD : Disposition.PASS;
    }

    private void replyEnded(int code) {
        if (replay != Replay.NONE) {
            loginReply(code);
            return;
        }
        if (code >= 200 && outstanding > 0) {
            outstanding--;
        }
        awaitingGreeting = false;
        if (disposition == Disposition.HOLD) {
            passiveReply(code);
        }
        disposition = Disposition.PASS;
        drainCommands();
    }

    private void loginReply(int code) {
        if (code / 100 == 1) {
            return; // "ready in n minutes" and the like: the real answer follows
        }
        switch (replay) {
            case GREETING -> {
                if (code == 220) {
                    replay = Replay.USER;
                    toServer(FtpCommand.of("USER", user).raw());
                    return;
                }
            }
            case USER -> {
                if (code == 331) {
                    replay = Replay.PASS;
                    toServer(FtpCommand.of("PASS", new String(password)).raw());
                    wipePassword();
                    return;
                }
            }
            default -> {
                // the answer to PASS ends the replay
            }
        }
        replay = Replay.NONE;
        disposition = Disposition.PASS;
        wipePassword();
        // 230 logged in, 202 no password needed, 332 an account follows (ACCT is relayed).
        if (code == 230 || code == 202 || code == 332) {
            loggedIn = true;
            out.add(new Effect.LoggedIn(user));
            stage = Stage.RELAY;
        } else {
            loginRefused = true;
            log(Msg.FTB0233W, user, "the FTP server answered " + code);
            out.add(new Effect.DropServer());
            stage = Stage.USER;
            if (code == 421) {
                close();
            }
        }
        drainCommands();
    }

    /** A held 227/229 reply is complete: point the client at a broker data port, or refuse. */
    private void passiveReply(int code) {
        String problem = holdProblem;
        List<String> lines = List.copyOf(heldLines);
        heldLines.clear();
        holdProblem = null;
        if (problem == null) {
            try {
                if (code == 227) {
                    Optional<PassiveReply.Announced> announced = PassiveReply.parse227(lines);
                    if (announced.isPresent()) {
                        int port = ports.announce(announced.get().port(), Optional.of(announced.get().address()));
                        toClient(PassiveReply.rewrite227(ports.address(), port).raw());
                        return;
                    }
                } else {
                    Optional<Integer> announced = PassiveReply.parse229(lines);
                    if (announced.isPresent()) {
                        toClient(PassiveReply.rewrite229(ports.announce(announced.get(), Optional.empty())).raw());
                        return;
                    }
                }
                problem = "no valid " + (code == 227 ? "address and port" : "port") + " in \"" + printable(String.join(" | ", lines)) + "\"";
            } catch (IOException e) {
                log(Msg.FTB0239W, code, "no broker data port: " + e.getMessage());
                reply(425, "Cannot open a data port on the broker: " + e.getMessage());
                return;
            }
        }
        log(Msg.FTB0239W, code, problem);
        reply(425, "Cannot open data connection: the FTP server's " + code + " reply could not be read by the broker (" + problem + ")");
    }

    // ---- helpers ----

    private void close() {
        stage = Stage.CLOSED;
        replay = Replay.NONE;
        waiting.clear();
        wipePassword();
        out.add(new Effect.Close());
    }

    private void reply(int code, String text) {
        toClient(FtpReply.of(code, text).raw());
    }

    private void toClient(byte[] bytes) {
        flushPassing();
        out.add(new Effect.ToClient(bytes));
    }

    private void flushPassing() {
        if (passing.size() > 0) {
            out.add(new Effect.ToClient(passing.toByteArray()));
            passing.reset();
        }
    }

    private void toServer(byte[] bytes) {
        out.add(new Effect.ToServer(bytes));
    }

    private void log(Msg msg, Object... args) {
        out.add(new Effect.Log(msg, Arrays.asList(args)));
    }

    private void wipePassword() {
        if (password != null) {
            Arrays.fill(password, '\0');
            password = null;
        }
    }

    private List<Effect> effects() {
        List<Effect> done = out;
        out = new ArrayList<>();
        return done;
    }

    private static boolean isCode(byte[] b) {
        return b[0] >= '1' && b[0] <= '5' && b[1] >= '0' && b[1] <= '9' && b[2] >= '0' && b[2] <= '9';
    }

    private static int code(byte[] b) {
        return (b[0] - '0') * 100 + (b[1] - '0') * 10 + (b[2] - '0');
    }

    static String printable(String text) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(120, text.length()); i++) {
            char c = text.charAt(i);
            s.append(c >= 0x20 && c < 0x7F ? String.valueOf(c) : String.format("X'%02X'", (int) c));
        }
        return s.toString();
    }
}
