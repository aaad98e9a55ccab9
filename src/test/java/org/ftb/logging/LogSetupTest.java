package org.ftb.logging;

import org.ftb.config.LogLevel;
import org.ftb.config.LogSettings;
import org.ftb.testing.AppliedLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The LOG statement's file. */
class LogSetupTest {
    @TempDir
    Path dir;

    /**
     * Issue 7 finding 4: the log file was created with the process's umask, readable by everyone,
     * and it names users, clients and destinations. A new log file is owner-only; an existing one
     * keeps the permissions its operator gave it.
     */
    @Test
    void issue7ANewLogFileIsOwnerOnly() throws Exception {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX permissions only");
        Path file = dir.resolve("logs/ftb.log");
        Path shared = dir.resolve("shared.log");
        Files.writeString(shared, "");
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rw-r-----"));
        for (Path log : new Path[] {file, shared}) {
            try (AppliedLog applied = AppliedLog.apply(new LogSettings(LogLevel.INFO, Optional.of(log), StandardCharsets.UTF_8, true, LogSettings.Rolling.DEFAULTS))) {
                LoggerFactory.getLogger(LogSetup.BROKER_LOGGER).info("FTB0200I written");
            }
        }
        assertThat(Files.readString(file)).contains("FTB0200I written");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(shared))).isEqualTo("rw-r-----");
    }

    /**
     * Issue 8: the log rolls by size (and by day), and every file of it, the active one and each rolled
     * one, is owner-only, although Logback opens each new active file with the umask; nothing is lost.
     */
    @Test
    void issue8EveryRolledLogFileIsOwnerOnlyAndHoldsItsShareOfTheLines() throws Exception {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX permissions only");
        Path file = dir.resolve("ftb.log");
        LogSettings.Rolling smallFiles = new LogSettings.Rolling(1024, 14, 1L << 20);
        try (AppliedLog applied = AppliedLog.apply(new LogSettings(LogLevel.INFO, Optional.of(file), StandardCharsets.UTF_8, true, smallFiles))) {
            for (int i = 0; i < 100; i++) {
                LoggerFactory.getLogger(LogSetup.BROKER_LOGGER).info("FTB0200I line {} of the audit, long enough to fill a kilobyte soon", i);
            }
        }
        List<Path> files;
        try (Stream<Path> listed = Files.list(dir)) {
            files = listed.sorted(Comparator.comparing(LogSetupTest::rollOrder)).toList();
        }
        assertThat(files).hasSizeGreaterThan(5).first().isNotEqualTo(file);
        assertThat(files).last().isEqualTo(file);
        for (Path log : files) {
            assertThat(log.getFileName().toString()).matches("ftb\\.log(\\.\\d{4}-\\d{2}-\\d{2}\\.\\d+)?");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(log))).as("%s", log).isEqualTo("rw-------");
        }
        List<String> lines = new ArrayList<>();
        for (Path log : files) {
            lines.addAll(Files.readAllLines(log));
        }
        assertThat(lines).hasSize(100).allMatch(line -> line.contains("FTB0200I line "));
        assertThat(lines.get(99)).contains("line 99 ");
    }

    /** Rolled files by their number (ftb.log.date.n), the active file last. */
    private static long rollOrder(Path file) {
        String name = file.getFileName().toString();
        return name.equals("ftb.log") ? Long.MAX_VALUE : Long.parseLong(name.substring(name.lastIndexOf('.') + 1));
    }
}
