package org.ftb.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import ch.qos.logback.core.rolling.TimeBasedRollingPolicy;
import ch.qos.logback.core.util.FileSize;
import org.ftb.config.LogSettings;
import org.ftb.platform.PrivateFiles;
import org.ftb.platform.SystemConsole;
import org.ftb.message.MessageLog;
import org.ftb.message.Msg;
import org.ftb.platform.CodePages;
import org.ftb.platform.Platform;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Path;

/**
 * Applies the LOG statement to Logback: level, console and optional file, character set, audit on or
 * off. The console is written in the platform's console character set; the file in CHARSET, rolled by
 * day and by size so that a broker that runs for months cannot fill its file system. LEVEL
 * applies to the broker's own messages; libraries are heard only from WARN up (see OperatorLayout).
 */
public final class LogSetup {
    /** Messages of the broker itself. */
    public static final String BROKER_LOGGER = "ftb";
    /** One record per connection; silenced by AUDIT(NO). */
    public static final String AUDIT_LOGGER = "ftb.audit";
    private static final String SYSTEM_CONSOLE = "SYSTEMCONSOLE";
    /** The console appender's name, here and in logback.xml. */
    private static final String CONSOLE = "CONSOLE";
    /** The day in a rolled file's name: ftb.log.2025-01-31.0. */
    private static final String DAY = "yyyy-MM-dd";

    private LogSetup() {
    }

    /**
     * @param platform the console's character set, and the code page tag each new log file gets
     * @throws IOException when the log file cannot be opened; console logging is in place by then
     */
    public static void apply(LogSettings settings, Platform platform) throws IOException {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        Level level = Level.toLevel(settings.level().name());
        // A library's own detail is for its developers, not operators, and MINA SSHD below WARN slows the data path.
        root.setLevel(level.isGreaterOrEqual(Level.WARN) ? level : Level.WARN);
        // The broker's messages are made from INFO up whatever LEVEL says, so that the system console
        // hears a condition clear (FTB0014I) even when the log does not; the log's appenders apply LEVEL.
        context.getLogger(BROKER_LOGGER).setLevel(level.isGreaterOrEqual(Level.INFO) ? Level.INFO : level);
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.addFilter(levelFilter(level));
        start(context, root, console, CONSOLE, platform.consoleCharset());
        if (settings.file().isPresent()) {
            Path file = settings.file().get();
            PrivateRollingFileAppender<ILoggingEvent> appender =
                    new PrivateRollingFileAppender<>(created -> tag(platform, created, settings.charset()));
            try {
                // Here first, so that a failure has its reason: Logback would only say that it failed.
                appender.prepare(file);
            } catch (IOException e) {
                throw new IOException("cannot open log file " + file + ": " + e.getMessage(), e);
            }
            appender.setContext(context);
            appender.setFile(file.toString());
            appender.setAppend(true);
            appender.setRollingPolicy(rolling(context, appender, file, settings.rolling()));
            appender.addFilter(levelFilter(level));
            start(context, root, appender, "FILE", settings.charset());
            if (!appender.isStarted()) {
                throw new IOException("cannot open log file " + file);
            }
        }
        context.getLogger(AUDIT_LOGGER).setLevel(settings.audit() ? Level.INFO : Level.OFF);
    }

    /** LEVEL for a log appender: the audit records are on or off by AUDIT alone. */
    private static Filter<ILoggingEvent> levelFilter(Level level) {
        Filter<ILoggingEvent> filter = new Filter<>() {
            @Override
            public FilterReply decide(ILoggingEvent event) {
                return event.getLevel().isGreaterOrEqual(level) || event.getLoggerName().equals(AUDIT_LOGGER)
                        ? FilterReply.NEUTRAL : FilterReply.DENY;
            }
        };
        filter.start();
        return filter;
    }

    /**
     * Until the configuration has been read, logging is as logback.xml sets it; its console appender
     * (CONSOLE) is replaced here by one in the console's character set, so that configuration errors
     * read right on z/OS too. Levels and any other appender stay.
     */
    public static void applyConsole(Platform platform) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        Appender<ILoggingEvent> startup = root.getAppender(CONSOLE);
        if (startup != null) {
            root.detachAppender(startup);
            startup.stop();
        }
        start(context, root, new ConsoleAppender<>(), CONSOLE, platform.consoleCharset());
    }

    /**
     * Tags a new log file with its code page (on z/OS); a file that cannot be tagged is still written,
     * and FTB0020W says so on the console: the file itself is being opened, and cannot take it yet.
     */
    private static void tag(Platform platform, Path file, Charset charset) {
        try {
            platform.tagTextFile(file, charset);
        } catch (IOException e) {
            new MessageLog(LoggerFactory.getLogger(BROKER_LOGGER)).log(Msg.FTB0020W, file, CodePages.label(charset), e.getMessage());
        }
    }

    /**
     * A new file each day and whenever it reaches MAXSIZE: {@code ftb.log} rolls to
     * {@code ftb.log.2025-01-31.0}, {@code .1} and so on, in the same directory and uncompressed, so that
     * a roll is a rename (see {@link PrivateRollingFileAppender}). Rolled files go after KEEP days, and
     * the oldest sooner when together they would pass TOTALSIZE; at start too, for a broker restarted daily.
     */
    private static TimeBasedRollingPolicy<ILoggingEvent> rolling(LoggerContext context, FileAppender<ILoggingEvent> appender,
                                                                 Path file, LogSettings.Rolling rolling) {
        TimeBasedRollingPolicy<ILoggingEvent> policy = new TimeBasedRollingPolicy<>();
        policy.setContext(context);
        policy.setParent(appender);
        policy.setFileNamePattern(file + ".%d{" + DAY + "}.%i");
        SizeAndDayRolling<ILoggingEvent> bySizeAndDay = new SizeAndDayRolling<>(DAY);
        bySizeAndDay.setMaxFileSize(new FileSize(rolling.maxFileBytes()));
        policy.setTimeBasedFileNamingAndTriggeringPolicy(bySizeAndDay);
        policy.setMaxHistory(rolling.keepDays());
        policy.setTotalSizeCap(new FileSize(rolling.totalBytes()));
        policy.setCleanHistoryOnStart(true);
        policy.start();
        return policy;
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
