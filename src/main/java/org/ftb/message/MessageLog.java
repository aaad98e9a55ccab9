package org.ftb.message;

import org.slf4j.Logger;

/** Writes catalogued messages at the log level that their severity letter implies. */
public final class MessageLog {
    private final Logger logger;

    public MessageLog(Logger logger) {
        this.logger = logger;
    }

    public void log(Msg msg, Object... args) {
        logFormatted(msg, msg.format(args));
    }

    public void log(Notice notice) {
        logFormatted(notice.msg(), notice.text());
    }

    /** Logs text already made by {@link Msg#format}, such as a configuration finding. */
    public void logFormatted(Msg msg, String text) {
        switch (msg.severity()) {
            case I -> logger.info(text);
            case W -> logger.warn(text);
            case E, A -> logger.error(text);
        }
    }
}
