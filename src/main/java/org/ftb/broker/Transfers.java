package org.ftb.broker;

import org.ftb.ftp.Effect;
import org.ftb.status.SessionView;
import org.ftb.status.TransferView;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The transfers of one FTP session, each ended with one audit record. A transfer starts when its
 * command goes to the server and ends with the server's final reply to it; its bytes are those of the
 * data connection that came to the data port it used (each announced port takes one connection). As
 * the server may reply before the broker has passed on the last of the data (RETR: the server closes,
 * then sends 226, while the broker still writes to a slow client), a record waits for its data
 * connection to end as well. A session that ends first ends every transfer it still has, with its
 * own outcome. All on the session's reactor thread.
 */
final class Transfers {
    /** One transfer from its command on. */
    private static final class Transfer {
        final int number;
        final String user;
        final Effect.TransferStarted command;
        final long startNanos;
        Connection data;
        long endNanos;
        int code;
        String result;

        Transfer(int number, String user, Effect.TransferStarted command, long startNanos) {
            this.number = number;
            this.user = user;
            this.command = command;
            this.startNanos = startNanos;
        }
    }

    private final long sessionId;
    private final Consumer<TransferView> ended;
    /** Sent and not answered, in command order: the server answers them in that order (RFC 959 4.2). */
    private final Deque<Transfer> unanswered = new ArrayDeque<>();
    /** Answered, waiting for their data connection to end. */
    private final List<Transfer> finishing = new ArrayList<>();
    /** Data connections that came before their transfer's command, by data port; removed as they end. */
    private final Map<Integer, Connection> waitingData = new HashMap<>();
    private int started;
    /** How many records of transfers that moved nothing and failed a session writes (Fault100); the rest are counted. */
    static final int EMPTY_FAILURES_RECORDED = 10;
    /** Records written of transfers without a data connection that did not succeed. */
    private int emptyFailures;
    /** Records left out after {@link #EMPTY_FAILURES_RECORDED}; volatile: the session's record reads it. */
    private volatile int unrecorded;

    /**
     * @param sessionId the control connection's id
     * @param ended     takes each ended transfer's record
     */
    /** The oldest transfer not yet answered, as DISPLAY shows it ("RETR PAY.JAN"), or empty; read from any thread. */
    private volatile String activity = "";

    Transfers(long sessionId, Consumer<TransferView> ended) {
        this.sessionId = sessionId;
        this.ended = ended;
    }

    /** A transfer command went to the server for user {@code user} (as the session record shows it). */
    void started(Effect.TransferStarted command, String user) {
        Transfer t = new Transfer(++started, user, command, System.nanoTime());
        t.data = waitingData.remove(command.port());
        unanswered.add(t);
        activity = describe(unanswered.peek());
    }

    private static String describe(Transfer t) {
        return t == null ? "" : t.command.verb() + (t.command.argument().isEmpty() ? "" : " " + t.command.argument());
    }

    /** The transfer under way, as DISPLAY shows it, or empty; from any thread. */
    String activity() {
        return activity;
    }

    /** The server's final reply to the oldest transfer not yet answered. */
    void replied(Effect.TransferEnded reply) {
        Transfer t = unanswered.poll();
        activity = describe(unanswered.peek());
        if (t == null) {
            return;
        }
        t.endNanos = System.nanoTime();
        t.code = reply.code();
        t.result = reply.code() / 100 == 2 ? "OK" : reply.aborted() ? "ABORTED" : "FAILED";
        if (t.data == null || t.data.phase() == Connection.Phase.ENDED) {
            record(t);
        } else {
            finishing.add(t);
        }
    }

    /** A data connection claimed data port {@code port}: it belongs to the first transfer of that port still without one. */
    void dataStarted(int port, Connection data) {
        for (Transfer t : unanswered) {
            if (t.command.port() == port && t.data == null) {
                t.data = data;
                return;
            }
        }
        waitingData.put(port, data);
    }

    /** A data connection ended: the record of an answered transfer that waited for it is written. */
    void dataEnded(Connection data) {
        waitingData.values().remove(data);
        for (Iterator<Transfer> it = finishing.iterator(); it.hasNext(); ) {
            Transfer t = it.next();
            if (t.data == data) {
                it.remove();
                record(t);
            }
        }
    }

    /**
     * The session ended with {@code outcome} (its record's result): every transfer not yet recorded
     * is, an answered one with its reply, an unanswered one with the session's outcome ({@code NO_REPLY}
     * when the session itself ended cleanly).
     */
    void sessionEnded(String outcome) {
        for (Transfer t : finishing) {
            // Answered, but its data connection is still carrying the file to or from the client: it ends
            // with the session, short of the end.
            if (t.data != null && t.data.phase() != Connection.Phase.ENDED && "OK".equals(t.result)) {
                t.result = outcome.equals("OK") ? "SESSION_ENDED" : outcome;
            }
            record(t);
        }
        finishing.clear();
        long now = System.nanoTime();
        for (Transfer t : unanswered) {
            t.endNanos = now;
            t.result = outcome.equals("OK") ? "NO_REPLY" : outcome;
            record(t);
        }
        unanswered.clear();
        waitingData.clear();
    }

    /** Transfer records left out: transfers that moved no data and failed, beyond {@link #EMPTY_FAILURES_RECORDED}; from any thread. */
    int unrecorded() {
        return unrecorded;
    }

    private void record(Transfer t) {
        // A client pipelining transfer commands that the server refuses at once (550, 425), or leaves
        // unanswered until the session ends, must not write a record each, at the server's speed (Fault100):
        // their numbers (n=) leave a gap, and the session's record counts them.
        if (t.data == null && !"OK".equals(t.result) && ++emptyFailures > EMPTY_FAILURES_RECORDED) {
            unrecorded++;
            return;
        }
        long bytes = 0;
        if (t.data != null) {
            SessionView data = t.data.view();
            bytes = t.command.upload() ? data.bytesUp() : data.bytesDown();
            // The server's 226 says the file left it, not that the client got it: a data connection that
            // broke after (a reset, a CANCEL, a STOP) makes the transfer what it made of the data.
            if ("OK".equals(t.result) && t.data.phase() == Connection.Phase.ENDED && !data.result().equals("OK")) {
                t.result = data.result();
            }
        }
        ended.accept(new TransferView(sessionId, t.number, t.user, t.command.verb(), t.command.argument(), t.command.upload(), bytes,
                Duration.ofNanos(t.endNanos - t.startNanos), t.code, t.result));
    }
}
