package org.ftb.logging;

import ch.qos.logback.core.rolling.SizeAndTimeBasedFileNamingAndTriggeringPolicy;
import ch.qos.logback.core.rolling.helper.ArchiveRemover;

/**
 * Logback's rolling by size and by day, with a {@link SerialRollingCalendar}, so that clean-ups of old
 * files running at once never delete a current one. Set on a {@code TimeBasedRollingPolicy} directly
 * (Logback's {@code SizeAndTimeBasedRollingPolicy} makes its own and lets no other in; Logback notes
 * this use as deprecated in its status, which the operator never sees).
 */
final class SizeAndDayRolling<E> extends SizeAndTimeBasedFileNamingAndTriggeringPolicy<E> {
    private final String datePattern;

    /** @param datePattern the {@code %d} pattern of the policy's file name pattern */
    SizeAndDayRolling(String datePattern) {
        this.datePattern = datePattern;
    }

    @Override
    protected ArchiveRemover createArchiveRemover() {
        // Called by start() once the calendar is made: the appender and the clean-ups share this one.
        rc = new SerialRollingCalendar(datePattern);
        return super.createArchiveRemover();
    }
}
