package org.ftb.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import org.ftb.message.ConsoleRoute;
import org.ftb.message.MessageLog;
import org.ftb.message.Msg;
import org.ftb.platform.SystemConsole;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 8: which logged messages reach the system console, with which route, how often, and how a kept
 * action message is deleted when the message that clears it comes for the same subject. The console
 * here records what it is given and numbers its messages as a WTO that returns message IDs would.
 */
class SystemConsoleAppenderTest {
    private record Written(List<String> lines, ConsoleRoute route, int id) {
    }

    private final List<Written> written = new CopyOnWriteArrayList<>();
    private final List<Integer> deleted = new CopyOnWriteArrayList<>();
    private final AtomicInteger ids = new AtomicInteger(100);
    private volatile boolean broken;
    private final SystemConsole console = new SystemConsole() {
        @Override
        public OptionalInt write(List<String> lines, ConsoleRoute route) {
            if (broken) {
                throw new IllegalStateException("BPXM023I not authorized");
            }
            int id = ids.incrementAndGet();
            written.add(new Written(lines, route, id));
            return OptionalInt.of(id);
        }

        @Override
        public void delete(int messageId) {
            deleted.add(messageId);
        }

        @Override
        public AutoCloseable listen(Operator operator) {
            throw new UnsupportedOperationException();
        }
    };
    private SystemConsoleAppender appender;
    private final MessageLog messages = new MessageLog(LoggerFactory.getLogger(LogSetup.BROKER_LOGGER));

    @BeforeEach
    void attach() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        appender = new SystemConsoleAppender(console);
        appender.setContext(context);
        appender.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
    }

    @AfterEach
    void detach() {
        ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(appender);
    }

    @Test
    void lifecycleFailureAndSecurityMessagesGoToTheConsoleAndRoutineOnesDoNot() {
        messages.log(Msg.FTB0003I, 1, 2, 3);
        messages.log(Msg.FTB0006E, "127.0.0.1:1080", "Address already in use");
        messages.log(Msg.FTB0237W, "C1 127.0.0.1:1", "GW", "ftp:21");
        messages.log(Msg.FTB0230I, "C1 127.0.0.1:1", "JOB1", "ftp:21", "via GW");
        messages.log(Msg.FTB0300I, "console", "DISPLAY");
        LoggerFactory.getLogger(LogSetup.AUDIT_LOGGER).info("FTB0200I C1 END result=OK");
        assertThat(written).extracting(Written::route)
                .containsExactly(ConsoleRoute.LIFECYCLE, ConsoleRoute.FAILURE, ConsoleRoute.SECURITY);
        assertThat(written.get(2).lines()).singleElement().asString().startsWith("FTB0237W C1 127.0.0.1:1 SSH host unreachable");
    }

    @Test
    void aTunnelFailureReachesTheConsoleOnceAMinuteWhateverTheSessions() {
        for (int i = 0; i < 50; i++) {
            messages.log(Msg.FTB0221E, "C" + i + " 127.0.0.1:1", "ftp:21", "Connection refused");
        }
        assertThat(written).hasSize(1);
        assertThat(written.get(0).route()).isEqualTo(ConsoleRoute.TUNNEL);
    }

    @Test
    void aKeptActionMessageIsDeletedWhenItsOwnConditionClears() {
        messages.log(Msg.FTB0013A, "/127.0.0.1:1080", "Too many open files");
        messages.log(Msg.FTB0013A, "/127.0.0.1:1081", "Too many open files");
        assertThat(written).extracting(Written::route).containsOnly(ConsoleRoute.ACTION);
        messages.log(Msg.FTB0014I, "/127.0.0.1:1081");
        assertThat(deleted).as("only the second listener's message").containsExactly(written.get(1).id());
        messages.log(Msg.FTB0014I, "/127.0.0.1:1081");
        assertThat(deleted).hasSize(1);
        messages.log(Msg.FTB0014I, "/127.0.0.1:1080");
        assertThat(deleted).containsExactly(written.get(1).id(), written.get(0).id());
    }

    @Test
    void aConsoleThatCannotBeWrittenIsSaidOnceInTheLogAndCostsNoMessage() {
        try (org.ftb.testing.LogCapture log = new org.ftb.testing.LogCapture()) {
            broken = true;
            messages.log(Msg.FTB0001I, "1", "z/OS", "17", 1);
            messages.log(Msg.FTB0003I, 1, 2, 3);
            assertThat(log.withId("FTB0016W")).singleElement().asString()
                    .isEqualTo("FTB0016W The MVS console cannot be written (java.lang.IllegalStateException: BPXM023I not authorized); "
                            + "messages go to the job log only");
            assertThat(log.withId("FTB0001I")).hasSize(1);
            assertThat(log.withId("FTB0003I")).hasSize(1);
        }
    }
}
