package org.ftb.message;

import org.slf4j.Logger;

/** Writes catalogued messages at the log level that their severity letter implies. */
public final class MessageLog {
    private final Logger logger;

    public MessageLog(Logger logger) {
        this.logger = logger;
    }

    public void log(Msg msg, Object... args) {
        String text = msg.format(args);
        switch (msg.severity()) {
            case I -> logger.info(text);
            case W -> logger.warn(text);
            case E, A -> logger.error(text);
        }
    }
}
