package org.ftb.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.ftb.message.ConsoleRoute;
import org.ftb.message.MessageLog;
import org.ftb.message.Msg;
import org.ftb.message.Printable;
import org.ftb.platform.SystemConsole;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Copies the broker's messages that have a {@link ConsoleRoute} to the system console, besides the log:
 * at most the route's number a minute of each message ID, so that a failing SSH host cannot flood the
 * console. An action message that the console keeps is deleted when the message that clears it comes,
 * for the same subject. Synchronized ({@link AppenderBase}): writes are rare and must not interleave.
 */
final class SystemConsoleAppender extends AppenderBase<ILoggingEvent> {
    private static final Duration WINDOW = Duration.ofMinutes(1);

    private final SystemConsole console;
    private final Map<Msg, Deque<Long>> recent = new EnumMap<>(Msg.class);
    /** Kept action messages by message and subject, with the console's IDs for deleting them. */
    private final Map<String, Integer> kept = new HashMap<>();
    private boolean failed;

    SystemConsoleAppender(SystemConsole console) {
        this.console = console;
    }

    @Override
    protected void append(ILoggingEvent event) {
        if (!LogSetup.isBrokerLogger(event.getLoggerName()) || event.getLoggerName().equals(LogSetup.AUDIT_LOGGER)) {
            return;
        }
        Msg msg = (Msg) value(event, MessageLog.MSG_KEY);
        if (msg == null) {
            return;
        }
        String subject = String.valueOf(value(event, MessageLog.SUBJECT_KEY));
        ConsoleRoute.clears(msg).ifPresent(cleared -> {
            Integer id = kept.remove(cleared + " " + subject);
            if (id != null) {
                write(() -> {
                    console.delete(id);
                    return OptionalInt.empty();
                });
            }
        });
        ConsoleRoute route = ConsoleRoute.of(msg).orElse(null);
        if (route == null || !admit(msg, route, event.getTimeStamp())) {
            return;
        }
        OptionalInt id = write(() -> console.write(List.of(Printable.of(event.getFormattedMessage())), route));
        if (route == ConsoleRoute.ACTION && id.isPresent()) {
            kept.put(msg + " " + subject, id.getAsInt());
        }
    }

    /** True when fewer than the route's number a minute of {@code msg} went to the console before. */
    private boolean admit(Msg msg, ConsoleRoute route, long now) {
        Deque<Long> times = recent.computeIfAbsent(msg, m -> new ArrayDeque<>());
        while (!times.isEmpty() && now - times.peekFirst() >= WINDOW.toMillis()) {
            times.removeFirst();
        }
        if (times.size() >= route.perMinute()) {
            return false;
        }
        if (route.perMinute() != Integer.MAX_VALUE) {
            times.addLast(now);
        }
        return true;
    }

    private interface ConsoleWrite {
        OptionalInt run();
    }

    /**
     * A console that cannot be written (on z/OS, a WTO refused) must not cost the log its message; it is
     * said once, in the log. Logback keeps this appender from seeing that warning itself.
     */
    private OptionalInt write(ConsoleWrite write) {
        try {
            return write.run();
        } catch (RuntimeException | LinkageError e) {
            if (!failed) {
                failed = true;
                LoggerFactory.getLogger(LogSetup.BROKER_LOGGER).warn(Msg.FTB0016W.format(String.valueOf(e)));
            }
            return OptionalInt.empty();
        }
    }

    private static Object value(ILoggingEvent event, String key) {
        List<KeyValuePair> pairs = event.getKeyValuePairs();
        if (pairs != null) {
            for (KeyValuePair pair : pairs) {
                if (pair.key.equals(key)) {
                    return pair.value;
                }
            }
        }
        return null;
    }
}
