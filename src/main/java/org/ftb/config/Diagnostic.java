package org.ftb.config;

import org.ftb.message.Msg;
import org.ftb.message.Severity;

/** One finding about a configuration; line and column are 1-based, 0 when the finding has no place. */
public record Diagnostic(Msg msg, int line, int column, String text) {

    public Severity severity() {
        return msg.severity();
    }

    @Override
    public String toString() {
        return text;
    }
}
