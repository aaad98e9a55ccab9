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

    /** One command whose final reply is due; a transfer's becomes ABORTED_TRANSFER in place. */
    private static final class Entry {
        Due kind;

        Entry(Due kind) {
            this.kind = kind;
        }
    }

    /** Every OTHER and BROKER_ABOR entry is one of these, never changed: only a transfer's needs an entry of its own. */
    private static final Entry OTHER = new Entry(Due.OTHER);
    private static final Entry BROKER_ABOR = new Entry(Due.BROKER_ABOR);

    private final Deque<Entry> due = new ArrayDeque<>();
    /**
     * The TRANSFER entries of {@link #due}, kept apart so that an ABOR marks them without walking every
     * command still due (Fault96: a client could pipeline half a million during a transfer, then ABORs).
     */
    private final Deque<Entry> transfers = new ArrayDeque<>();
    /** How many BROKER_ABOR entries {@link #due} holds. */
    private int brokerAbors;
    /** How many entries of {@link #due} are not BROKER_ABOR. */
    private int forClient;

    /** A command went to the server (or, for {@code null}, a reply is due without one: the greeting). */
    void sent(String verb) {
        Entry e = verb != null && DataTransfer.isTransfer(verb) ? new Entry(Due.TRANSFER) : OTHER;
        if (e.kind == Due.TRANSFER) {
            transfers.add(e);
        }
        due.add(e);
        forClient++;
    }

    /** The client sent ABOR: every transfer due now is one it aborted. */
    void clientAborted() {
        for (Entry e : transfers) {
            e.kind = Due.ABORTED_TRANSFER;
        }
        transfers.clear();
    }

    boolean any() {
        return !due.isEmpty();
    }

    /** True when a reply the client asked for is due: the broker's own ABOR does not count. */
    boolean anyForClient() {
        return forClient > 0;
    }

    /** True while the broker's ABOR has not been answered. */
    boolean aborDue() {
        return brokerAbors > 0;
    }

    /** The broker's ABOR went to the server. */
    void sentAbor() {
        due.add(BROKER_ABOR);
        brokerAbors++;
    }

    /** True when a final reply with this code, arriving now, answers the broker's ABOR. */
    boolean answersAbor(int code) {
        Entry first = due.peekFirst();
        return first != null && first.kind == Due.BROKER_ABOR && ABOR_REPLIES.contains(code);
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
            transfers.clear();
            brokerAbors = 0;
            forClient = 0;
            return Due.OTHER;
        }
        Entry first = due.pollFirst();
        if (first == null) {
            return null;
        }
        removed(first);
        if (first.kind.isTransfer() && !transferCanAnswer(code) && answerLaterCommand()) {
            due.addFirst(first);
            added(first);
            return Due.OTHER;
        }
        if (first.kind == Due.BROKER_ABOR && !forAbor) {
            Entry next = due.pollFirst();
            if (next == null) {
                return null;
            }
            removed(next);
            return next.kind;
        }
        return first.kind;
    }

    private void removed(Entry e) {
        if (e.kind == Due.BROKER_ABOR) {
            brokerAbors--;
        } else {
            forClient--;
            if (e.kind == Due.TRANSFER) {
                transfers.removeFirstOccurrence(e); // the first: transfers are answered in order
            }
        }
    }

    private void added(Entry e) {
        if (e.kind == Due.BROKER_ABOR) {
            brokerAbors++;
        } else {
            forClient++;
            if (e.kind == Due.TRANSFER) {
                transfers.addFirst(e);
            }
        }
    }

    /** RFC 959 5.4: a transfer's final reply is 226 or 250, or a failure (4xx, 5xx). */
    private static boolean transferCanAnswer(int code) {
        return code == 226 || code == 250 || code >= 400;
    }

    /** Counts the first ordinary command still due as answered; false when there is none. */
    private boolean answerLaterCommand() {
        for (Iterator<Entry> it = due.iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (e.kind == Due.OTHER) {
                it.remove();
                removed(e);
                return true;
            }
        }
        return false;
    }
}
