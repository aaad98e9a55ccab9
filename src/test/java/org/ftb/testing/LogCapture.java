package org.ftb.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Collects the broker's log lines (logger "ftb" and below) while open. */
public final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Logger logger;

    public LogCapture() {
        logger = (Logger) LoggerFactory.getLogger("ftb");
        setContext(logger.getLoggerContext());
        setName("capture");
        start();
        logger.addAppender(this);
    }

    @Override
    protected void append(ILoggingEvent event) {
        lines.add(event.getFormattedMessage());
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    public List<String> withId(String id) {
        return lines.stream().filter(l -> l.startsWith(id)).toList();
    }

    @Override
    public void close() {
        logger.detachAppender(this);
        stop();
    }
}
