package org.ftb.ftp;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Set;

/**
 * The commands sent to the server whose final reply (2xx to 5xx) has not come yet, in the order they
 * were sent, so that the broker knows which reply answers a transfer (for its audit record) and which
 * one answers its own ABOR, whose answer the client never asked for. A server answers in command order
 * (RFC 959 4.2), except that one that reads commands during a transfer answers those (NOOP, STAT,
 * PASV...) before the transfer's own final reply: a reply a transfer cannot have (a 2xx other than 226
 * and 250, or a 3xx) that arrives while the transfer is first in line answers the first command after
 * it. Preliminary (1xx) replies answer nothing. Not thread-safe.
 */
final class RepliesDue {
    /** What a final reply may answer; a transfer the client sent ABOR for while it was due is ABORTED_TRANSFER. */
    enum Due {
        TRANSFER, ABORTED_TRANSFER, BROKER_ABOR, OTHER;

        boolean isTransfer() {
            return this == TRANSFER || this == ABORTED_TRANSFER;
        }
    }

    /** What ABOR may be answered with (RFC 959 5.4): 225 and 226, or a refusal. */
    private static final Set<Integer> ABOR_REPLIES = Set.of(225, 226, 500, 501, 502);

    private final Deque<Due> due = new ArrayDeque<>();

    /** A command went to the server (or, for {@code null}, a reply is due without one: the greeting). */
    void sent(String verb) {
        due.add(verb != null && DataTransfer.isTransfer(verb) ? Due.TRANSFER : Due.OTHER);
    }

    /** The client sent ABOR: every transfer due now is one it aborted. */
    void clientAborted() {
        for (int i = due.size(); i > 0; i--) {
            Due d = due.pollFirst();
            due.addLast(d == Due.TRANSFER ? Due.ABORTED_TRANSFER : d);
        }
    }

    boolean any() {
        return !due.isEmpty();
    }

    /** True when a reply the client asked for is due: the broker's own ABOR does not count. */
    boolean anyForClient() {
        return due.stream().anyMatch(d -> d != Due.BROKER_ABOR);
    }

    /** True while the broker's ABOR has not been answered. */
    boolean aborDue() {
        return due.contains(Due.BROKER_ABOR);
    }

    /** The broker's ABOR went to the server. */
    void sentAbor() {
        due.add(Due.BROKER_ABOR);
    }

    /** True when a final reply with this code, arriving now, answers the broker's ABOR. */
    boolean answersAbor(int code) {
        return due.peekFirst() == Due.BROKER_ABOR && ABOR_REPLIES.contains(code);
    }

    /**
     * A final reply came; {@code forAbor} when {@link #answersAbor} said so. Returns what it answered,
     * or null for nothing due. A server that did not answer the broker's ABOR on its own (it answered
     * the store and the ABOR at once) answers with this reply what came after the ABOR, so the ABOR
     * counts as answered too.
     */
    Due answered(int code, boolean forAbor) {
        if (code == 221) {
            due.clear(); // the server is closing the control connection (RFC 959 5.4, QUIT): nothing more is due
            return Due.OTHER;
        }
        Due first = due.pollFirst();
        if (first != null && first.isTransfer() && !transferCanAnswer(code) && answerLaterCommand()) {
            due.addFirst(first);
            return Due.OTHER;
        }
        if (first == Due.BROKER_ABOR && !forAbor) {
            return due.pollFirst();
        }
        return first;
    }

    /** RFC 959 5.4: a transfer's final reply is 226 or 250, or a failure (4xx, 5xx). */
    private static boolean transferCanAnswer(int code) {
        return code == 226 || code == 250 || code >= 400;
    }

    /** Counts the first ordinary command still due as answered; false when there is none. */
    private boolean answerLaterCommand() {
        for (Iterator<Due> it = due.iterator(); it.hasNext(); ) {
            if (it.next() == Due.OTHER) {
                it.remove();
                return true;
            }
        }
        return false;
    }
}
