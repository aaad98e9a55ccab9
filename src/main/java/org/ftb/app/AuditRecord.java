package org.ftb.app;

import org.ftb.status.SessionView;

import java.util.Locale;

/**
 * The text of a connection's audit record: one line of key=value fields whose values hold no blanks.
 * It is logged as FTB0200I, whose formatting shows a control character in it as X'hh', a blank-free
 * escape, so that a user name cannot end the record or start a forged one.
 */
final class AuditRecord {
    private AuditRecord() {
    }

    static String format(SessionView v) {
        return String.format(Locale.ROOT,
                "%s END client=%s proto=%s user=%s dest=%s addr=%s rule=%s action=%s via=%s up=%d down=%d ms=%d result=%s%s",
                v.tag(), v.client(), v.protocol(), v.user().replace(' ', '_'), v.destination(), v.address(), v.rule(),
                v.action(), v.via(), v.bytesUp(), v.bytesDown(), v.age().toMillis(), v.result(), v.details().isEmpty() ? "" : " " + v.details());
    }
}
