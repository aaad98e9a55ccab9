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
import java.util.Optional;

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
            try (AppliedLog applied = AppliedLog.apply(new LogSettings(LogLevel.INFO, Optional.of(log), StandardCharsets.UTF_8, true))) {
                LoggerFactory.getLogger(LogSetup.BROKER_LOGGER).info("FTB0200I written");
            }
        }
        assertThat(Files.readString(file)).contains("FTB0200I written");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(shared))).isEqualTo("rw-r-----");
    }
}
