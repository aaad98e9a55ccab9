package org.ftb.broker;

import org.ftb.message.MessageLog;
import org.ftb.message.Msg;
import org.ftb.message.Printable;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The protocol trace that TRACE ON|OFF [SESSION=id] switches without a restart: the SOCKS request and
 * reply, and every FTP control line between the broker and each side, as FTB0246I. The password of PASS
 * and ACCT never appears. Asked on every control line, so the question is lock-free.
 */
final class Trace {
    /** Longest part of one line traced; FTP lines are short, and a flood of one long line must not flood the log. */
    static final int MAX_LINE = 200;
    /** DOTALL: a password may hold any byte, X'85' (U+0085 NEXT LINE) as well, which '.' alone does not match. */
    private static final Pattern SECRET = Pattern.compile("(?is)^\\s*(PASS|ACCT)\\b.*");

    private final MessageLog messages;
    private volatile boolean all;
    /** TRACE ON or OFF of single sessions, which wins over the switch for all. */
    private final Map<Long, Boolean> sessions = new ConcurrentHashMap<>();

    Trace(MessageLog messages) {
        this.messages = messages;
    }

    /** TRACE ON or OFF for every session, single sessions included. */
    void all(boolean on) {
        all = on;
        sessions.clear();
    }

    /** TRACE ON or OFF for one session, whatever the switch for all says. */
    void session(long id, boolean on) {
        sessions.put(id, on);
    }

    boolean covers(long id) {
        return sessions.isEmpty() ? all : sessions.getOrDefault(id, all);
    }

    /** The session has ended: a later session never inherits its trace by number. */
    void ended(long id) {
        sessions.remove(id);
    }

    /** One event of a traced connection, such as its SOCKS request. */
    void event(Connection connection, String text) {
        if (covers(connection.id())) {
            messages.log(Msg.FTB0246I, connection.tag(), Printable.of(text, MAX_LINE));
        }
    }

    /** FTP control bytes going {@code direction} ("to server", "to client"), one trace line each. */
    void ftp(Connection connection, String direction, byte[] bytes) {
        if (!covers(connection.id())) {
            return;
        }
        for (String line : new String(bytes, StandardCharsets.ISO_8859_1).split("\r?\n")) {
            if (!line.isEmpty()) {
                messages.log(Msg.FTB0246I, connection.tag(), direction + ": " + Printable.of(masked(line), MAX_LINE));
            }
        }
    }

    /** PASS and ACCT keep their verb only: the rest is a password whatever its form. */
    static String masked(String line) {
        return SECRET.matcher(line).matches() ? line.strip().split("\\s", 2)[0].toUpperCase(Locale.ROOT) + " ********" : line;
    }
}
