package org.ftb.ftp;

import org.ftb.ftp.ReplyScanner.Disposition;
import org.ftb.message.Msg;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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
    private enum Stage { USER, PASS, LOGIN, RELAY, CLOSED }

    /** What the broker sends to fail a store whose client broke off (RFC 959 4.1.3). */
    private static final byte[] ABOR = "ABOR\r\n".getBytes(StandardCharsets.US_ASCII);

    private final DataPorts ports;
    private final String serverText;
    private final String sshHost;
    private final FtpCommandReader commands = new FtpCommandReader();
    /** Commands a client may send ahead while the way to the server opens; each is at most {@link FtpCommandReader#MAX_LINE}. */
    static final int HELD_COMMANDS = 8;
    private final Deque<FtpCommand> waiting = new ArrayDeque<>();
    private final Effects out = new Effects();
    private Stage stage;
    /** The login replay under way, or null. */
    private LoginReplay replay;
    private volatile String user = "";
    private char[] password;
    private volatile int transfers;
    private boolean loginRefused;
    /** Volatile: DISPLAY reads it from its own thread. */
    private volatile boolean loggedIn;
    /** AUTH(KEY): the client's PASS went to the server, which has not answered it with 230 or a refusal yet. */
    private boolean loginUnderway;
    /** The server closed the control connection while the client still had a reply due. */
    private boolean brokeOff;
    /** AUTH(KEY): the server's greeting has not come yet. */
    private boolean awaitingGreeting;
    /** The client ended its side; the end goes to the server after the commands still waiting. */
    private boolean clientEnded;
    /** The end went to the server: nothing more can be sent. */
    private boolean serverOutputEnded;
    /** Relayed commands whose final reply has not come yet; broker replies wait for them, to keep replies in order. */
    private final RepliesDue due = new RepliesDue();
    /** PASV/EPSV commands relayed and not yet answered with a passive reply: only those open data ports. */
    private int passiveAsked;
    /** Passive replies the server sent that nothing asked for, dropped. */
    private int unaskedPassiveReplies;
    /** Passive replies answered with 425 instead (FTB0239W): no data port free, or a reply that cannot be used. */
    private int refusedPassiveReplies;
    private final DataTransfer data = new DataTransfer();
    /** How often a session logs the message of a command the broker answers itself (FTB0236I, FTB0240W, FTB0250W), per command. */
    static final int LOCAL_LOGS = 10;
    /** The messages of the commands the broker answered itself, each with its verb, and how often each came. */
    private final Map<String, Integer> locallyAnswered = new HashMap<>();
    /** Log lines the caps above left out (Fault99): the audit record says how many, so that the log's silence is not read as none. Volatile: the audit and DISPLAY read it. */
    private volatile int unlogged;
    /** The reply now arriving answers the broker's own ABOR: the client never sees it. */
    private boolean answeringAbor;

    private final ReplyScanner replies = new ReplyScanner(new Replies());

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
        session.due.sent(null);
        session.awaitingGreeting = true;
        return session;
    }

    /** The session begins. */
    public List<Effect> start() {
        if (stage == Stage.USER) {
            out.reply(220, "FTP Tunnel Broker ready: log in to reach " + serverText + " through SSH host " + sshHost);
        }
        return out.take();
    }

    /** The FTP user, once given. */
    public String user() {
        return user;
    }

    /** Transfers the server began (150 and 125 replies). */
    public int transfers() {
        return transfers;
    }

    /**
     * How the session went, for its audit record: {@code SERVER_CLOSED} when the server broke off with
     * a reply due, {@code LOGIN_REFUSED} when no login ever succeeded after a refusal, else {@code OK}.
     */
    public String result() {
        return brokeOff ? "SERVER_CLOSED" : loginRefused && !loggedIn ? "LOGIN_REFUSED" : "OK";
    }

    /** True while the server must speak first (greeting, login replay): one silent here never saw the connection. */
    public boolean awaitsServer() {
        return replay != null || awaitingGreeting;
    }

    /** What the dialogue says of the data connection in use. */
    public DataTransfer dataTransfer() {
        return data;
    }

    /**
     * True while {@link #HELD_COMMANDS} client commands wait, for the way to the server to open or, after
     * it, behind a server reply still due (the broker's own answers must not overtake it): stop reading
     * the client. Fewer do not stop it, so that a client that hangs up or resets during the login is seen
     * at once, not when the login ends; and a client that sends on regardless is not read without end
     * (Fault91).
     */
    public boolean holdsClient() {
        return waiting.size() >= HELD_COMMANDS;
    }

    // ---- events ----

    public List<Effect> fromClient(ByteBuffer data) {
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        waiting.addAll(commands.feed(bytes, 0, bytes.length));
        drainCommands();
        return out.take();
    }

    public List<Effect> fromServer(ByteBuffer bytes) {
        replies.feed(bytes);
        return out.take();
    }

    /** The way to the server is open (AUTH(FTPLOGIN)): the login replay starts with the server's greeting. */
    public List<Effect> serverOpened() {
        replay = new LoginReplay(user, password);
        password = null; // the replay owns it now
        return out.take();
    }

    /** True once the FTP login succeeded end to end; from any thread. */
    public boolean loggedIn() {
        return loggedIn;
    }

    /**
     * The way to the server could not be opened.
     *
     * @param loginRefusal true when the SSH host refused the user's password: the client may try again
     * @param reason       for the log (FTB0233W) of a login refusal, else for the client's 421; never holds the password
     */
    public List<Effect> serverFailed(boolean loginRefusal, String reason) {
        wipePassword();
        if (loginRefusal) {
            loginRefused = true;
            out.add(new Effect.LoginAttempt(false));
            out.log(Msg.FTB0233W, user, reason);
            out.reply(530, "Login incorrect: SSH host " + sshHost + " refused user " + user);
            stage = Stage.USER;
            drainCommands();
        } else {
            out.reply(421, "Service not available: " + reason);
            close();
        }
        return out.take();
    }

    /** The server ended its side of the control connection. */
    public List<Effect> serverEnded() {
        String when = replay != null ? "during the login" : replies.inReply() ? "in the middle of a reply"
                : due.anyForClient() ? "with a reply still due" : null;
        if (when != null) {
            brokeOff = true;
            out.log(Msg.FTB0241W, serverText, when);
            out.reply(421, "The FTP server closed the control connection " + when);
        }
        close();
        return out.take();
    }

    /**
     * The store on data port {@code port} (its announcement) broke off on the client's side, which an SSH
     * channel cannot tell the server: ABOR (RFC 959 4.1.3) fails the transfer before the data ends. The
     * store's 426 reaches the client; the ABOR's 226 does not.
     */
    public List<Effect> storeBroken(int port) {
        if (canAbortStore(port)) {
            due.sentAbor();
            data.abortSent(port);
            out.toServer(ABOR);
        }
        return out.take();
    }

    /** True when {@link #storeBroken} would send ABOR now (see {@link DataTransfer}), and the server can still be written to. */
    public boolean canAbortStore(int port) {
        return writable() && data.mayAbort(port) && !due.aborDue();
    }

    /** True when ABOR for the store on {@code port} waits for the reply to a PASV or EPSV the client sent after it. */
    public boolean abortWaits(int port) {
        return writable() && data.abortWaits(port);
    }

    private boolean writable() {
        return stage == Stage.RELAY && !serverOutputEnded;
    }

    /** The client ended its side: pass the end on, or end a session that never reached the server. */
    public List<Effect> clientEnded() {
        if (stage == Stage.RELAY) {
            clientEnded = true;
            drainCommands();
        } else {
            close();
        }
        return out.take();
    }

    // ---- client commands ----

    private void drainCommands() {
        while (!waiting.isEmpty() && stage != Stage.LOGIN && stage != Stage.CLOSED) {
            FtpCommand c = waiting.peek();
            if (stage == Stage.RELAY && due.any() && LocalAnswer.to(c).isPresent()) {
                return; // its reply must not overtake the replies still due from the server
            }
            waiting.poll();
            command(c);
        }
        if (clientEnded && waiting.isEmpty() && stage == Stage.RELAY) {
            clientEnded = false;
            serverOutputEnded = true;
            out.add(new Effect.EndServerOutput());
        }
    }

    private void command(FtpCommand c) {
        Optional<LocalAnswer> local = LocalAnswer.to(c);
        if (local.isPresent()) {
            // Said at most LOCAL_LOGS times per session and command: a client repeating it cannot flood the log (Fault95).
            local.get().log().filter(log -> logged(locallyAnswered.merge(log.msg().name() + " " + c.verb(), 1, Integer::sum)))
                    .ifPresent(out::add);
            out.toClient(local.get().reply().raw());
            return;
        }
        if (c.verb().equals("QUIT") && stage != Stage.RELAY) {
            out.reply(221, "Goodbye");
            close();
            return;
        }
        switch (stage) {
            case USER -> {
                if (c.verb().equals("USER") && !c.argument().isBlank()) {
                    user = c.argument().strip();
                    stage = Stage.PASS;
                    out.reply(331, "Password required for " + user);
                } else {
                    out.reply(530, "Please log in with USER and PASS");
                }
            }
            case PASS -> {
                if (c.verb().equals("PASS")) {
                    password = c.argument().toCharArray();
                    stage = Stage.LOGIN;
                    loginAttempt();
                    out.add(new Effect.OpenServer(user, password.clone()));
                } else if (c.verb().equals("USER")) {
                    stage = Stage.USER;
                    command(c);
                } else {
                    out.reply(503, "Send PASS next");
                }
            }
            case RELAY -> {
                if (c.verb().equals("USER")) {
                    user = c.argument().strip();
                }
                if (c.verb().equals("PASS") && !loggedIn && !loginUnderway) {
                    loginUnderway = true;
                    loginAttempt();
                }
                due.sent(c.verb());
                if (DataTransfer.isTransfer(c.verb())) {
                    out.add(new Effect.TransferStarted(c.verb(), c.argument(), DataTransfer.isStore(c.verb()), data.announcements()));
                } else if (c.verb().equals("ABOR")) {
                    due.clientAborted();
                }
                data.sent(c.verb());
                if (c.verb().equals("PASV") || c.verb().equals("EPSV")) {
                    passiveAsked++;
                }
                out.toServer(c.raw());
            }
            default -> throw new IllegalStateException("command in stage " + stage);
        }
    }

    // ---- server replies, line by line ----

    /** What the scanner asks of the session, as each server reply starts and ends. */
    private final class Replies implements ReplyScanner.Listener {
        @Override
        public Disposition replyStarts(int code) {
            if (replay != null) {
                return replay.disposition(code);
            }
            if (code == 150 || code == 125) {
                transfers++;
            }
            answeringAbor = due.answersAbor(code);
            if (answeringAbor) {
                return Disposition.DISCARD;
            }
            if (code != 227 && code != 229) {
                return Disposition.PASS;
            }
            if (passiveAsked == 0) {
                // At most LOCAL_LOGS times per session: a server sending them without end cannot flood the log (Fault97).
                if (logged(++unaskedPassiveReplies)) {
                    out.log(Msg.FTB0239W, code, "no PASV or EPSV asked for it; it was dropped, and the client got nothing");
                }
                return Disposition.DISCARD;
            }
            passiveAsked--;
            return Disposition.HOLD;
        }

        @Override
        public Disposition strayLine() {
            return replay == null ? Disposition.PASS : Disposition.DISCARD; // not a reply: passed on as text
        }

        @Override
        public void pass(byte[] bytes, int offset, int length) {
            out.pass(bytes, offset, length);
        }

        @Override
        public void replyEnded(int code, Disposition disposition, List<String> held, String problem) {
            out.flushPassing();
            if (replay != null) {
                loginReply(code);
                return;
            }
            if (code == 230 && !loggedIn && disposition != Disposition.DISCARD) {
                // AUTH(KEY): the client logs in to the server itself; 230 is only ever a login's reply (RFC 959 4.2).
                loggedIn = true;
                loginUnderway = false;
                out.add(new Effect.LoggedIn(user));
            } else if (loginUnderway && code >= 400 && !loggedIn) {
                loginUnderway = false;
                loginRefused = true;
                out.add(new Effect.LoginAttempt(false));
            }
            if (code >= 200 && (disposition != Disposition.DISCARD || answeringAbor)) {
                RepliesDue.Due answered = due.answered(code, answeringAbor);
                if (answered != null && answered.isTransfer()) {
                    out.add(new Effect.TransferEnded(code, answered == RepliesDue.Due.ABORTED_TRANSFER));
                }
                data.replied(code);
            }
            answeringAbor = false;
            awaitingGreeting = false;
            if (disposition == Disposition.HOLD) {
                passiveReply(code, held, problem);
            }
            drainCommands();
        }
    }

    private void loginReply(int code) {
        LoginReplay.Next next = replay.replied(code);
        if (next instanceof LoginReplay.Next.Send send) {
            out.toServer(send.command().raw());
            return;
        }
        if (next instanceof LoginReplay.Next.Wait) {
            return;
        }
        replay = null;
        if (((LoginReplay.Next.Done) next).loggedIn()) {
            loggedIn = true;
            out.add(new Effect.LoggedIn(user));
            stage = Stage.RELAY;
        } else {
            loginRefused = true;
            out.add(new Effect.LoginAttempt(false));
            out.log(Msg.FTB0233W, user, "the FTP server answered " + code);
            out.add(new Effect.DropServer());
            stage = Stage.USER;
            if (code == 421) {
                close();
            }
        }
        drainCommands();
    }

    /** A held 227/229 reply is complete: point the client at a broker data port, or refuse. */
    private void passiveReply(int code, List<String> lines, String holdProblem) {
        PassiveReply.Answer answer = PassiveReply.answer(code, lines, holdProblem, ports);
        // At most LOCAL_LOGS times per session: a client repeating PASV while every DATA port is in use cannot flood the log (Fault98).
        answer.problem().filter(problem -> logged(++refusedPassiveReplies))
                .ifPresent(problem -> out.log(Msg.FTB0239W, code, problem + "; the client got 425"));
        if (answer.problem().isEmpty()) {
            data.announced();
        }
        out.toClient(answer.reply().raw());
    }

    // ---- helpers ----

    /** True when the {@code nth} line of one kind is logged (at most {@link #LOCAL_LOGS}); one left out is counted. */
    private boolean logged(int nth) {
        if (nth <= LOCAL_LOGS) {
            return true;
        }
        unlogged++;
        return false;
    }

    /** Log lines of this session that were left out after {@link #LOCAL_LOGS} of their kind (FTB0236I, FTB0239W, FTB0240W, FTB0250W). */
    public int unlogged() {
        return unlogged;
    }

    /**
     * A login attempt starts; only a session's first one counts as under way for the broker's
     * accounting: a client that was refused and tries again is not to be kept in place for it.
     */
    private void loginAttempt() {
        if (!loginRefused) {
            out.add(new Effect.LoginAttempt(true));
        }
    }

    private void close() {
        stage = Stage.CLOSED;
        if (replay != null) {
            replay.wipe();
            replay = null;
        }
        waiting.clear();
        wipePassword();
        out.add(new Effect.Close());
    }

    private void wipePassword() {
        if (password != null) {
            Arrays.fill(password, '\0');
            password = null;
        }
    }
}
