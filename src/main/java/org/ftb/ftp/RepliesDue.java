package org.ftb.ftp;

import java.util.Set;

/**
 * The commands sent to the server whose final reply (2xx to 5xx) has not come yet. A server answers
 * in the order the commands came (RFC 959 4.2), so counting is enough to know which reply answers the
 * store in progress and which one answers the broker's own ABOR, whose answer the client never asked
 * for. Preliminary (1xx) replies answer nothing. Not thread-safe.
 */
final class RepliesDue {
    private static final Set<String> STORES = Set.of("STOR", "STOU", "APPE");
    /** What ABOR may be answered with (RFC 959 5.4): 225 and 226, or a refusal. */
    private static final Set<Integer> ABOR_REPLIES = Set.of(225, 226, 500, 501, 502);

    private int due;
    /** The store (STOR, STOU, APPE) is answered by the n-th final reply to come; 0 when none is due. */
    private int storeIn;
    /** The same for the broker's ABOR. */
    private int aborIn;

    /** A command went to the server (or, for {@code null}, a reply is due without one: the greeting). */
    void sent(String verb) {
        due++;
        if (verb != null && STORES.contains(verb)) {
            storeIn = due;
        }
    }

    boolean any() {
        return due > 0;
    }

    /** True when a reply the client asked for is due: the broker's own ABOR does not count. */
    boolean anyForClient() {
        return due > (aborIn > 0 ? 1 : 0);
    }

    boolean storeDue() {
        return storeIn > 0;
    }

    /** True when a store is due and the broker has sent no ABOR for it. */
    boolean canSendAbor() {
        return storeIn > 0 && aborIn == 0;
    }

    /** True, and the broker's ABOR counted as sent, when {@link #canSendAbor}. */
    boolean sendAbor() {
        if (!canSendAbor()) {
            return false;
        }
        due++;
        aborIn = due;
        return true;
    }

    /** True when a final reply with this code, arriving now, answers the broker's ABOR. */
    boolean answersAbor(int code) {
        return aborIn == 1 && ABOR_REPLIES.contains(code);
    }

    /**
     * A final reply came; {@code forAbor} when {@link #answersAbor} said so. A server that did not answer
     * the broker's ABOR on its own (it answered the store and the ABOR at once) answers with this reply
     * what came after the ABOR, so the ABOR counts as answered too.
     */
    void answered(boolean forAbor) {
        boolean aborUnanswered = aborIn == 1 && !forAbor;
        countOne();
        if (aborUnanswered) {
            countOne();
        }
    }

    private void countOne() {
        due = Math.max(0, due - 1);
        storeIn = Math.max(0, storeIn - 1);
        aborIn = Math.max(0, aborIn - 1);
    }
}
