package org.ftb.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.OutputStreamAppender;
import org.ftb.config.LogSettings;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.Charset;

/**
 * Applies the LOG statement to Logback: level, console and optional file, character set, audit on or
 * off. The console is written in the platform's console character set; the file in CHARSET.
 */
public final class LogSetup {
    /** Messages of the broker itself. */
    public static final String BROKER_LOGGER = "ftb";
    /** One record per connection; silenced by AUDIT(NO). */
    public static final String AUDIT_LOGGER = "ftb.audit";
    private static final String PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} %msg%n";

    private LogSetup() {
    }

    /** @throws IOException when the log file cannot be opened; console logging is in place by then */
    public static void apply(LogSettings settings, Charset consoleCharset) throws IOException {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(settings.level().name()));
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        start(context, root, console, "CONSOLE", consoleCharset);
        if (settings.file().isPresent()) {
            FileAppender<ILoggingEvent> appender = new FileAppender<>();
            appender.setFile(settings.file().get().toString());
            appender.setAppend(true);
            start(context, root, appender, "FILE", settings.charset());
            if (!appender.isStarted()) {
                throw new IOException("cannot open log file " + settings.file().get());
            }
        }
        // MINA SSHD at DEBUG slows the data path a lot; it only follows the broker at TRACE.
        context.getLogger("org.apache.sshd").setLevel(settings.level().ordinal() >= org.ftb.config.LogLevel.TRACE.ordinal()
                ? Level.DEBUG : Level.WARN);
        context.getLogger("org.apache.ftpserver").setLevel(Level.WARN);
        context.getLogger(AUDIT_LOGGER).setLevel(settings.audit() ? Level.INFO : Level.OFF);
    }

    private static void start(LoggerContext context, Logger root, OutputStreamAppender<ILoggingEvent> appender,
                              String name, Charset charset) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.setCharset(charset);
        encoder.start();
        appender.setContext(context);
        appender.setName(name);
        appender.setEncoder(encoder);
        appender.start();
        root.addAppender(appender);
    }

    /** Flushes and closes every appender; call last, when the broker has stopped. */
    public static void shutdown() {
        ((LoggerContext) LoggerFactory.getILoggerFactory()).stop();
    }
}
