package org.ftb.regression;

import org.ftb.config.LogLevel;
import org.ftb.config.LogSettings;
import org.ftb.logging.LogSetup;
import org.ftb.testing.AppliedLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attacks LOG FILE with a name holding '%' (legal in any z/OS UNIX or Linux path, and ConfigBinder
 * accepts it): LogSetup builds Logback's rolling pattern as {@code FILE + ".%d{yyyy-MM-dd}.%i"}
 * without escaping the name, so Logback reads the '%' in the name as a conversion word.
 *
 * <p>Correct behaviour: the file named is written and rolls like any other (into
 * {@code <FILE>.<date>.<n>} beside it, the name taken literally); never rolled files under another
 * name, which KEEP and TOTALSIZE then do not count as this log's (on e76f5a7 the log rolls to {@code ftb-1000.log.<date>.0},
 * {@code ftb-1001.log...}: Logback expanded {@code %i} in the name).
 */
class Fault44PercentInLogFileNameTest {
    @TempDir
    Path dir;

    @Test
    void aLogFileWithAPercentInItsNameIsWrittenAndRolls() throws Exception {
        Path file = dir.resolve("ftb-100%i.log");
        LogSettings settings = new LogSettings(LogLevel.INFO, Optional.of(file), StandardCharsets.UTF_8, true,
                new LogSettings.Rolling(1024, 14, 1L << 20));
        try (AppliedLog applied = AppliedLog.apply(settings)) {
            for (int i = 0; i < 60; i++) {
                LoggerFactory.getLogger(LogSetup.BROKER_LOGGER).info("FTB0200I line {} of the audit, long enough to fill a kilobyte soon", i);
            }
        }
        List<String> names;
        try (Stream<Path> files = Files.list(dir)) {
            names = files.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertThat(names).as("every file is the log or one rolled beside it under its own name")
                .allMatch(name -> name.equals("ftb-100%i.log") || name.matches("ftb-100%i\\.log\\.\\d{4}-\\d{2}-\\d{2}\\.\\d+"));
        assertThat(names).hasSizeGreaterThan(2);
    }
}
