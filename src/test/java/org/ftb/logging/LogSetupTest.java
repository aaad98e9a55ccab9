package org.ftb.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.status.Status;
import org.ftb.config.ConfigFixtures;
import org.ftb.config.LogLevel;
import org.ftb.config.LogSettings;
import org.ftb.platform.CodePages;
import org.ftb.platform.TextFiles;
import org.ftb.testing.AppliedLog;
import org.ftb.testing.TestPlatform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
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
        List<String> rolling;
        try (AppliedLog applied = AppliedLog.apply(new LogSettings(LogLevel.INFO, Optional.of(file), StandardCharsets.UTF_8, true, smallFiles))) {
            for (int i = 0; i < 100; i++) {
                LoggerFactory.getLogger(LogSetup.BROKER_LOGGER).info("FTB0200I line {} of the audit, long enough to fill a kilobyte soon", i);
            }
            rolling = logbackSaid();
        }
        List<Path> files = logFiles();
        assertThat(files).as("what Logback said about rolling: %s", rolling).hasSizeGreaterThan(5).first().isNotEqualTo(file);
        assertThat(files).last().isEqualTo(file);
        for (Path log : files) {
            assertThat(log.getFileName().toString()).matches("ftb\\.log(\\.\\d{4}-\\d{2}-\\d{2}\\.\\d+)?");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(log))).as("%s", log).isEqualTo("rw-------");
        }
        List<String> lines = new ArrayList<>();
        for (Path log : files) {
            lines.addAll(Files.readAllLines(log));
        }
        assertThat(lines).as("what Logback said about rolling: %s", rolling).hasSize(100).allMatch(line -> line.contains("FTB0200I line "));
        assertThat(lines.get(99)).contains("line 99 ");
    }

    /** Logback's own account of renames, deletions and failures, for a failure's message. */
    private static List<String> logbackSaid() {
        return ((LoggerContext) LoggerFactory.getILoggerFactory()).getStatusManager().getCopyOfStatusList().stream()
                .filter(status -> status.getLevel() > Status.INFO || status.getMessage().matches("(?s).*(Renam|[Dd]elet|[Rr]oll).*"))
                .map(status -> status.getMessage() + (status.getThrowable() == null ? "" : ": " + status.getThrowable()))
                .toList();
    }

    /** Rolled files by their number (ftb.log.date.n), the active file last. */
    private static long rollOrder(Path file) {
        String name = file.getFileName().toString();
        return name.equals("ftb.log") ? Long.MAX_VALUE : Long.parseLong(name.substring(name.lastIndexOf('.') + 1));
    }

    /**
     * Issue 8: LOG CHARSET(IBM-1047) writes every log file, rolled ones too, in IBM-1047, and each new
     * file is tagged so (chtag on z/OS); the files decode back to the lines that were logged.
     */
    @Test
    void issue8ALogWrittenWithCharsetIbm1047IsTaggedSoAndDecodesBackToTheText() throws Exception {
        Path file = dir.resolve("ftb.log");
        LogSettings settings = ConfigFixtures.config("LOG FILE('" + file + "') CHARSET(IBM-1047) MAXSIZE(1K)").log();
        TestPlatform platform = TestPlatform.utf8();
        List<String> rolling;
        try (AppliedLog applied = AppliedLog.apply(settings, platform)) {
            // Several kilobytes: Logback looks at the size only now and then, so one just past MAXSIZE may not roll.
            for (int i = 0; i < 200; i++) {
                LoggerFactory.getLogger(LogSetup.BROKER_LOGGER).info("FTB0200I C{} user=jörg dest=[::1]:21 ¬|", i);
            }
            rolling = logbackSaid();
        }
        List<Path> files = logFiles();
        assertThat(files).hasSizeGreaterThan(1);
        assertThat(platform.tagged()).as("each new file, so each rolled one, tagged once; what Logback said about rolling: %s", rolling)
                .hasSameSizeAs(files)
                .allSatisfy(tag -> assertThat(tag).isEqualTo(Map.entry(file, CodePages.IBM1047)));
        List<String> lines = new ArrayList<>();
        for (Path log : files) {
            TextFiles.Text text = new TextFiles(CodePages.IBM1047).read(log);
            assertThat(text.charset()).isEqualTo(CodePages.IBM1047);
            lines.addAll(text.lines());
        }
        assertThat(lines).hasSize(200);
        for (int i = 0; i < 200; i++) {
            assertThat(lines.get(i)).matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{3} FTB0200I C" + i
                    + " user=jörg dest=\\[::1]:21 ¬\\|");
        }
    }

    /** Issue 8: a log file chtag cannot tag is written all the same, and FTB0020W says why. */
    @Test
    void issue8ALogFileThatCannotBeTaggedIsWrittenWithAWarning() throws Exception {
        Path file = dir.resolve("ftb.log");
        PrintStream stdout = System.out;
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        System.setOut(new PrintStream(console, true, StandardCharsets.UTF_8));
        try (AppliedLog applied = AppliedLog.apply(new LogSettings(LogLevel.INFO, Optional.of(file), StandardCharsets.UTF_8, true,
                LogSettings.Rolling.DEFAULTS), TestPlatform.refusingTags("FSUM6180 permission denied"))) {
            LoggerFactory.getLogger(LogSetup.BROKER_LOGGER).info("FTB0200I written");
        } finally {
            System.setOut(stdout);
        }
        assertThat(Files.readString(file)).contains("FTB0200I written");
        assertThat(console.toString(StandardCharsets.UTF_8)).contains("FTB0020W Log file " + file
                + " is not tagged as UTF-8 text: FSUM6180 permission denied; tag it with chtag -tc, or programs that honour file tags may misread it");
    }

    /**
     * Issue 8: what the broker says before its configuration is read (its errors, above all) is written
     * in the console's code page, as the log lines after it are, not in file.encoding.
     */
    @Test
    void issue8StartUpMessagesAreWrittenInTheConsolesCodePage() {
        PrintStream stdout = System.out;
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        System.setOut(new PrintStream(console, true, StandardCharsets.UTF_8));
        try (AppliedLog applied = AppliedLog.undoOnClose()) {
            LogSetup.applyConsole(TestPlatform.inCodePage(CodePages.IBM1047));
            LoggerFactory.getLogger(LogSetup.BROKER_LOGGER).error("FTB0007E Configuration /etc/ftb/jörg has errors (RC 8)");
        } finally {
            System.setOut(stdout);
        }
        assertThat(new String(console.toByteArray(), CodePages.IBM1047)).endsWith(" FTB0007E Configuration /etc/ftb/jörg has errors (RC 8)\n");
    }

    /** The log files, rolled ones by their number (ftb.log.date.n), the active file last. */
    private List<Path> logFiles() throws IOException {
        try (Stream<Path> listed = Files.list(dir)) {
            return listed.sorted(Comparator.comparing(LogSetupTest::rollOrder)).toList();
        }
    }
}
