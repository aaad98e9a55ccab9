package org.ftb.message;

import org.slf4j.Logger;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Writes catalogued messages at the log level that their severity letter implies. Each event carries
 * its {@link Msg} and its first argument (what the message is about, such as a listener) as key-value
 * pairs, so that a destination such as the system console can act on the message without parsing it.
 */
public final class MessageLog {
    /** Key-value pair of an event: the {@link Msg}. */
    public static final String MSG_KEY = "ftb.msg";
    /** Key-value pair of an event: its first argument as text, when it has one. */
    public static final String SUBJECT_KEY = "ftb.subject";

    private final Logger logger;

    public MessageLog(Logger logger) {
        this.logger = logger;
    }

    public void log(Msg msg, Object... args) {
        LoggingEventBuilder event = builder(msg);
        if (args.length > 0) {
            event = event.addKeyValue(SUBJECT_KEY, String.valueOf(args[0]));
        }
        event.log(msg.format(args));
    }

    /** Logs the message and returns its text: the answer to the console whose command did what it reports. */
    public String answer(Msg msg, Object... args) {
        log(msg, args);
        return msg.format(args);
    }

    public void log(Notice notice) {
        logFormatted(notice.msg(), notice.text());
    }

    /** Logs text already made by {@link Msg#format}, such as a configuration finding. */
    public void logFormatted(Msg msg, String text) {
        builder(msg).log(text);
    }

    private LoggingEventBuilder builder(Msg msg) {
        Level level = switch (msg.severity()) {
            case I -> Level.INFO;
            case W -> Level.WARN;
            case E, A -> Level.ERROR;
        };
        return logger.atLevel(level).addKeyValue(MSG_KEY, msg);
    }
}
