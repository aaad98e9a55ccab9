package org.ftb.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import org.ftb.message.Msg;
import org.ftb.message.Printable;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * The operator log's line: {@code yyyy-mm-dd hh:mm:ss.fff FTBnnnnS text}, one line per event, so that
 * every line can be looked up in the message catalogue and scanned by automation. The broker's own
 * messages carry their IDs already; what a library (MINA SSHD, Apache FtpServer) logs is given
 * FTB0011W or FTB0012E with the library's logger name. An exception is summed up on the same line:
 * a stack trace would put lines without an ID into the log. Whatever the message holds, a line break or
 * another control character shows as X'hh' (see {@link Printable}), so each event is exactly one line.
 */
public final class OperatorLayout extends LayoutBase<ILoggingEvent> {
    private static final int MAX_CAUSES = 4;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
            .withZone(ZoneId.systemDefault());

    @Override
    public String doLayout(ILoggingEvent event) {
        // The broker's own text was made printable by Msg.format; escaping it again costs nothing and keeps
        // the line whole should anything log to a broker logger without it.
        String text = LogSetup.isBrokerLogger(event.getLoggerName()) ? Printable.of(event.getFormattedMessage())
                : (event.getLevel().isGreaterOrEqual(Level.ERROR) ? Msg.FTB0012E : Msg.FTB0011W)
                        .format(event.getLoggerName(), event.getFormattedMessage() + cause(event.getThrowableProxy()));
        return TIME.format(Instant.ofEpochMilli(event.getTimeStamp())) + " " + text + CoreConstants.LINE_SEPARATOR;
    }

    /** " (class: message; caused by class: message)", at most a few causes deep: enough to say what went wrong. */
    private static String cause(IThrowableProxy thrown) {
        if (thrown == null) {
            return "";
        }
        StringBuilder text = new StringBuilder(" (");
        IThrowableProxy t = thrown;
        for (int depth = 0; t != null && depth < MAX_CAUSES; depth++, t = t.getCause()) {
            text.append(depth == 0 ? "" : "; caused by ").append(t.getClassName());
            if (t.getMessage() != null) {
                text.append(": ").append(t.getMessage());
            }
        }
        return text.append(')').toString();
    }
}
