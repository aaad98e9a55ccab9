package org.ftb.app;

import org.ftb.status.SessionView;
import org.ftb.status.TransferView;

import java.util.Locale;

/**
 * The text of the audit records: one line of key=value fields whose values hold no blanks. They are
 * logged as FTB0200I (a connection's end) and FTB0251I (an FTP transfer's), whose formatting shows a
 * control character as X'hh', a blank-free escape, so that a user name cannot end the record or start
 * a forged one. Field names and order are documented in docs/operations.md; log parsers rely on them.
 */
final class AuditRecord {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private AuditRecord() {
    }

    static String format(SessionView v) {
        return String.format(Locale.ROOT,
                "%s END client=%s proto=%s user=%s dest=%s addr=%s rule=%s action=%s via=%s up=%d down=%d ms=%d result=%s%s",
                v.tag(), v.client(), v.protocol(), v.user().replace(' ', '_'), v.destination(), v.address(), v.rule(),
                v.action(), v.via(), v.bytesUp(), v.bytesDown(), v.age().toMillis(), v.result(), v.details().isEmpty() ? "" : " " + v.details());
    }

    static String format(TransferView v) {
        return String.format(Locale.ROOT, "%s XFER n=%d ftpuser=%s cmd=%s path=%s dir=%s bytes=%d ms=%d code=%s result=%s",
                v.tag(), v.number(), v.ftpUser().replace(' ', '_'), v.verb(), path(v.argument()), v.upload() ? "up" : "down", v.bytes(),
                v.duration().toMillis(), v.code() == 0 ? "-" : Integer.toString(v.code()), v.result());
    }

    /**
     * A command's argument, reversibly and without blanks: each byte outside ! to ~ (0x21-0x7E), and
     * each % and =, as %hh (upper-case hex); no argument as {@code -}, and an argument of just - as
     * {@code %2D}, so that the two stay apart.
     *
     * @param argument one character a byte (ISO-8859-1), as the client sent it
     */
    static String path(String argument) {
        if (argument.isEmpty()) {
            return "-";
        }
        if (argument.equals("-")) {
            return "%2D";
        }
        StringBuilder out = new StringBuilder(argument.length() + 16);
        for (int i = 0; i < argument.length(); i++) {
            char b = argument.charAt(i);
            if (b > 0x20 && b < 0x7F && b != '%' && b != '=') {
                out.append(b);
            } else {
                out.append('%').append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
            }
        }
        return out.toString();
    }
}
