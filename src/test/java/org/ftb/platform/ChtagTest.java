package org.ftb.platform;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The chtag command line, run against stand-ins for z/OS's /bin/chtag. */
class ChtagTest {
    @TempDir
    Path dir;
    private Path log;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "a POSIX shell runs the stand-in chtag");
        log = Files.createFile(dir.resolve("ftb.log"));
    }

    private Path script(String name, String body) throws Exception {
        Path script = Files.writeString(dir.resolve(name), "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    @Test
    void aFileIsTaggedWithTheZosNameOfItsCodePage() throws Exception {
        Path chtag = script("chtag", "echo \"$@\" > \"$0.args\"");
        new Chtag(chtag, StandardCharsets.UTF_8).tag(log, CodePages.IBM1047);
        assertThat(Files.readString(dir.resolve("chtag.args")).strip()).isEqualTo("-tc IBM-1047 " + log);
        new Chtag(chtag, StandardCharsets.UTF_8).tag(log, StandardCharsets.ISO_8859_1);
        assertThat(Files.readString(dir.resolve("chtag.args")).strip()).isEqualTo("-tc ISO8859-1 " + log);
    }

    @Test
    void aFailingChtagIsAnIoExceptionWithWhatItSaid() throws Exception {
        Path chtag = script("chtag", "echo 'FSUM6180 file \"x\": EDC5111I Permission denied.' >&2; exit 1");
        assertThatThrownBy(() -> new Chtag(chtag, StandardCharsets.UTF_8).tag(log, CodePages.IBM1047))
                .hasMessage(chtag + " -tc IBM-1047 ended with 1: FSUM6180 file \"x\": EDC5111I Permission denied.");
    }

    @Test
    void aMissingChtagOrACodePageWithoutAZosNameIsAnIoException() {
        assertThatThrownBy(() -> new Chtag(dir.resolve("no-chtag"), StandardCharsets.UTF_8).tag(log, CodePages.IBM1047))
                .isInstanceOf(java.io.IOException.class);
        assertThatThrownBy(() -> new Chtag(dir.resolve("no-chtag"), StandardCharsets.UTF_8).tag(log, StandardCharsets.UTF_16))
                .hasMessage("z/OS has no code set name for UTF-16");
    }
}
