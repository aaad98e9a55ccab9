package org.ftb.config;

import org.ftb.message.Msg;
import org.ftb.message.Severity;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects every finding of one configuration, so that all of them are reported at once. */
public final class Diagnostics {
    /** Mainframe return codes. */
    public static final int RC_OK = 0;
    public static final int RC_WARNING = 4;
    public static final int RC_ERROR = 8;
    public static final int RC_SEVERE = 12;

    private final List<Diagnostic> found = new ArrayList<>();

    /** Records a message whose first two arguments are its line and column. */
    public void at(Msg msg, int line, int column, Object... rest) {
        Object[] args = new Object[rest.length + 2];
        args[0] = line;
        args[1] = column;
        System.arraycopy(rest, 0, args, 2, rest.length);
        found.add(new Diagnostic(msg, line, column, msg.format(args)));
    }

    /** Records a message that belongs to no particular place. */
    public void general(Msg msg, Object... args) {
        found.add(new Diagnostic(msg, 0, 0, msg.format(args)));
    }

    /** In source order, then in the order found; findings without a place come last. */
    public List<Diagnostic> all() {
        List<Diagnostic> sorted = new ArrayList<>(found);
        sorted.sort(Comparator.comparingInt((Diagnostic d) -> d.line() == 0 ? Integer.MAX_VALUE : d.line())
                .thenComparingInt(Diagnostic::column));
        return sorted;
    }

    public long count(Severity severity) {
        return found.stream().filter(d -> d.severity() == severity).count();
    }

    public boolean hasErrors() {
        return returnCode() >= RC_ERROR;
    }

    public int returnCode() {
        int rc = RC_OK;
        for (Diagnostic d : found) {
            rc = Math.max(rc, switch (d.severity()) {
                case I -> RC_OK;
                case W -> RC_WARNING;
                case E -> RC_ERROR;
                case A -> RC_SEVERE;
            });
        }
        return rc;
    }
}
