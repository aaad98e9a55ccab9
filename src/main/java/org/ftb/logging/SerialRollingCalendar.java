package org.ftb.logging;

import ch.qos.logback.core.rolling.helper.RollingCalendar;

import java.time.Instant;
import java.util.TimeZone;

/**
 * Logback's {@link RollingCalendar}, safe to share between threads. Logback's computes each period in
 * the calendar object itself (it is a {@code GregorianCalendar}) and one instance serves the appender and
 * every clean-up of old files, which run on a pool, several at once when files roll quickly: one
 * computation then reads another's, and a clean-up meant for the files of fifteen days ago deletes
 * today's ("deleting historically stale ftb.log.2026-12-01.0" in Logback 1.5.18's status, seen in CI).
 */
final class SerialRollingCalendar extends RollingCalendar {
    SerialRollingCalendar(String datePattern) {
        super(datePattern);
    }

    @Override
    public synchronized Instant getEndOfNextNthPeriod(Instant instant, int periods) {
        return super.getEndOfNextNthPeriod(instant, periods);
    }

    @Override
    public synchronized long periodBarriersCrossed(long start, long end) {
        return super.periodBarriersCrossed(start, end);
    }

    @Override
    public synchronized long getStartOfCurrentPeriodWithGMTOffsetCorrection(long now, TimeZone timezone) {
        return super.getStartOfCurrentPeriodWithGMTOffsetCorrection(now, timezone);
    }
}
