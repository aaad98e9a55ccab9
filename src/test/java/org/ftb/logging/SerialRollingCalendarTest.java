package org.ftb.logging;

import ch.qos.logback.core.rolling.helper.RollingCalendar;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The calendar that the log's appender and its clean-ups share: Logback's own computes in the object
 * itself, and two clean-ups at once read each other's periods, so one meant for fifteen days ago deletes
 * today's rolled files (LogSetupTest failed so in CI).
 */
class SerialRollingCalendarTest {
    private static final Instant NOW = Instant.parse("2026-12-01T09:25:13Z");

    /** What one thread computes, many times over, while another computes other periods on the same calendar. */
    private static List<Instant> periods(RollingCalendar calendar, int offset, int times) {
        List<Instant> wrong = new ArrayList<>();
        Instant expected = new RollingCalendar("yyyy-MM-dd").getEndOfNextNthPeriod(NOW, offset);
        for (int i = 0; i < times; i++) {
            Instant got = calendar.getEndOfNextNthPeriod(NOW, offset);
            if (!got.equals(expected)) {
                wrong.add(got);
            }
        }
        return wrong;
    }

    private static List<Instant> wrongWhileShared(RollingCalendar calendar) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            List<Callable<List<Instant>>> work = List.of(() -> periods(calendar, -15, 200_000), () -> periods(calendar, 0, 200_000));
            List<Instant> wrong = new ArrayList<>();
            for (Future<List<Instant>> f : threads.invokeAll(work)) {
                wrong.addAll(f.get());
            }
            return wrong;
        } finally {
            threads.shutdown();
        }
    }

    @Test
    void twoThreadsOnOneCalendarEachGetTheirOwnPeriod() throws Exception {
        assertThat(wrongWhileShared(new SerialRollingCalendar("yyyy-MM-dd"))).isEmpty();
    }
}
