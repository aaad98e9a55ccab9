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
 * Attacks LOG FILE with a '%' in a directory of its path. docs/configuration.md says "a name with
 * {@code %} is an error (FTB0140E), for {@code ftb check} as for the broker", but ConfigBinder looks
 * only at the last name ({@code file.getFileName()}): {@code FILE('/var/log/ops%i/ftb.log')} is
 * accepted with RC 0, and LogSetup then builds Logback's rolling pattern as
 * {@code FILE + ".%d{yyyy-MM-dd}.%i"} without escaping, so Logback expands the {@code %i} of the
 * directory: the log rolls into other directories ({@code ops0/}, {@code ops1/}, ... on e76f5a7), one
 * per roll, outside the directory FILE names, where KEEP and TOTALSIZE no longer find them.
 *
 * <p>Correct behaviour: either the LOG statement is refused (FTB0140E) as the documentation says of a
 * name with '%', or the log is written and rolls beside FILE, in its directory, under
 * {@code ftb.log.<date>.<n>}; never files in other directories.
 */
class Fault44PercentInLogFileNameTest {
    @TempDir
    Path dir;

    @Test
    void aLogFileWhoseDirectoryHasAPercentIsRefusedOrRollsBesideItself() throws Exception {
        Path logs = Files.createDirectories(dir.resolve("ops%i"));
        Path file = logs.resolve("ftb.log");
        ConfigLoader.Result result = ConfigFixtures.load("SOCKS LISTEN(127.0.0.1:1080)\nRULE NAME(R) DEST(*) PORTS(*) ACTION(DIRECT)\n"
                + "LOG FILE('" + file + "') MAXSIZE(1K)", ConfigSource.RecordFormat.STREAM, Map.of(), dir);
        if (result.config().isEmpty()) {
            return; // refused, as documented: correct
        }
        try (AppliedLog applied = AppliedLog.apply(result.config().get().log())) {
            for (int i = 0; i < 60; i++) {
                LoggerFactory.getLogger(LogSetup.BROKER_LOGGER).info("FTB0200I line {} of the audit, long enough to fill a kilobyte soon", i);
            }
        }
        List<String> everywhere;
        try (Stream<Path> files = Files.walk(dir)) {
            everywhere = files.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
        assertThat(everywhere).as("the configuration was accepted, so every log file is FILE or rolled beside it")
                .allMatch(name -> name.equals("ops%i/ftb.log") || name.matches("ops%i/ftb\\.log\\.\\d{4}-\\d{2}-\\d{2}\\.\\d+"));
        assertThat(everywhere).hasSizeGreaterThan(2);
    }
}
