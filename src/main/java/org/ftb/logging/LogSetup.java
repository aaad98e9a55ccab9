package org.ftb.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import org.ftb.config.LogSettings;
import org.ftb.platform.PrivateFiles;
import org.ftb.platform.SystemConsole;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Applies the LOG statement to Logback: level, console and optional file, character set, audit on or
 * off. The console is written in the platform's console character set; the file in CHARSET. LEVEL
 * applies to the broker's own messages; libraries are heard only from WARN up (see OperatorLayout).
 */
public final class LogSetup {
    /** Messages of the broker itself. */
    public static final String BROKER_LOGGER = "ftb";
    /** One record per connection; silenced by AUDIT(NO). */
    public static final String AUDIT_LOGGER = "ftb.audit";
    private static final String SYSTEM_CONSOLE = "SYSTEMCONSOLE";

    private LogSetup() {
    }

    /** @throws IOException when the log file cannot be opened; console logging is in place by then */
    public static void apply(LogSettings settings, Charset consoleCharset) throws IOException {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        Level level = Level.toLevel(settings.level().name());
        // A library's own detail is for its developers, not operators, and MINA SSHD below WARN slows the data path.
        root.setLevel(level.isGreaterOrEqual(Level.WARN) ? level : Level.WARN);
        context.getLogger(BROKER_LOGGER).setLevel(level);
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        start(context, root, console, "CONSOLE", consoleCharset);
        if (settings.file().isPresent()) {
            createOwnerOnly(settings.file().get());
            FileAppender<ILoggingEvent> appender = new FileAppender<>();
            appender.setFile(settings.file().get().toString());
            appender.setAppend(true);
            start(context, root, appender, "FILE", settings.charset());
            if (!appender.isStarted()) {
                throw new IOException("cannot open log file " + settings.file().get());
            }
        }
        context.getLogger(AUDIT_LOGGER).setLevel(settings.audit() ? Level.INFO : Level.OFF);
    }

    /**
     * Logback would create the file with the process's umask, often readable by everyone; the log names
     * users, clients and destinations, so a new file is made owner-only first. A file that exists keeps
     * the permissions its operator gave it.
     */
    private static void createOwnerOnly(Path file) throws IOException {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            PrivateFiles.createIfAbsent(file);
        } catch (IOException e) {
            throw new IOException("cannot open log file " + file + ": " + e.getMessage(), e);
        }
    }

    private static void start(LoggerContext context, Logger root, OutputStreamAppender<ILoggingEvent> appender,
                              String name, Charset charset) {
        OperatorLayout layout = new OperatorLayout();
        layout.setContext(context);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.setCharset(charset);
        encoder.start();
        appender.setContext(context);
        appender.setName(name);
        appender.setEncoder(encoder);
        appender.start();
        root.addAppender(appender);
    }

    /**
     * Copies the messages that have a console route to {@code console} as well (see
     * {@link org.ftb.message.ConsoleRoute}); call again after {@link #apply}, which resets the log.
     */
    public static void routeToSystemConsole(SystemConsole console) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        SystemConsoleAppender appender = new SystemConsoleAppender(console);
        appender.setContext(context);
        appender.setName(SYSTEM_CONSOLE);
        appender.start();
        // One copy only, however often this is called: a second would write every message twice.
        root.detachAppender(SYSTEM_CONSOLE);
        root.addAppender(appender);
    }

    /** True for the loggers of the broker's own messages and audit records, whose texts carry their IDs. */
    static boolean isBrokerLogger(String name) {
        return name.equals(BROKER_LOGGER) || name.startsWith(BROKER_LOGGER + ".");
    }

    /** Flushes and closes every appender; call last, when the broker has stopped. */
    public static void shutdown() {
        ((LoggerContext) LoggerFactory.getILoggerFactory()).stop();
    }
}
