package org.ftb.regression;

import org.ftb.config.ConfigFixtures;
import org.ftb.config.ConfigLoader;
import org.ftb.config.ConfigSource;
import org.ftb.logging.LogSetup;
import org.ftb.testing.AppliedLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attacks LOG TOTALSIZE at its documented lower bound, TOTALSIZE = MAXSIZE. ConfigBinder refuses
 * TOTALSIZE below MAXSIZE with "the rolled files could not hold one whole file; give TOTALSIZE at least
 * MAXSIZE", and docs/configuration.md says "at least MAXSIZE". But a file rolls only once it has passed
 * MAXSIZE (the last message is written whole, as MAXSIZE's own row says), so every rolled file is
 * larger than TOTALSIZE and Logback's cap deletes each one at once: the configuration is accepted with
 * RC 0 and the log keeps no rolled file at all, every line before the active file is gone.
 *
 * <p>Correct behaviour: a TOTALSIZE that the checker accepts keeps at least the newest rolled file
 * (or the checker refuses a TOTALSIZE that cannot hold one rolled file).
 */
class Fault47TotalSizeEqualToMaxSizeKeepsNoRolledFileTest {
    @TempDir
    Path dir;

    @Test
    void totalSizeEqualToMaxSizeKeepsTheNewestRolledFile() throws Exception {
        Path file = dir.resolve("ftb.log");
        ConfigLoader.Result result = ConfigFixtures.load("SOCKS LISTEN(127.0.0.1:1080)\nRULE NAME(R) DEST(*) PORTS(*) ACTION(DIRECT)\n"
                + "LOG FILE('" + file + "') MAXSIZE(1K) TOTALSIZE(1K) KEEP(1)", ConfigSource.RecordFormat.STREAM, Map.of(), dir);
        if (result.config().isEmpty()) {
            return; // refused: correct too
        }
        try (AppliedLog applied = AppliedLog.apply(result.config().get().log())) {
            for (int i = 0; i < 100; i++) {
                LoggerFactory.getLogger(LogSetup.BROKER_LOGGER).info("FTB0200I line {} of the audit, long enough to fill a kilobyte soon", i);
            }
            Thread.sleep(500); // Logback deletes over the cap in the background
        }
        List<String> names;
        try (Stream<Path> files = Files.list(dir)) {
            names = files.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertThat(names).as("FILE and at least the newest rolled file")
                .contains("ftb.log").anyMatch(name -> name.matches("ftb\\.log\\.\\d{4}-\\d{2}-\\d{2}\\.\\d+"));
    }
}
