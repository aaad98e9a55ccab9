package org.ftb.auth;

import org.ftb.platform.CodePages;
import org.ftb.platform.TextFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 7 finding 2: a password is accepted only for exactly its own bytes. PBKDF2's HMAC pads its key
 * with zero bytes, so the hash of a password is also the hash of that password followed by NULs; and a
 * lenient UTF-8 decoder makes every malformed byte the same U+FFFD.
 */
class UserDirectoryTest {
    private static UserDirectory with(String user, String password) throws UserDirectory.FormatException {
        return UserDirectory.parse(List.of(UserDirectory.entry(user, password.toCharArray(), 10_000)));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aUsersFileInIbm1047ChecksThePasswordAsItsUserTypedIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("users");
        String lines = "# made with OEDIT\n" + UserDirectory.entry("jörg", "pässwort".toCharArray(), 10_000) + "\n";
        Files.write(file, lines.getBytes(CodePages.IBM1047));
        UserDirectory users = UserDirectory.read(file, new TextFiles(CodePages.IBM1047));
        assertThat(users.users()).containsExactly("jörg");
        assertThat(users.verify("jörg", utf8("pässwort"))).isTrue();
        assertThat(users.verify("jörg", "pässwort".getBytes(CodePages.IBM1047))).as("the EBCDIC bytes are not the password").isFalse();
    }

    @Test
    void aPasswordFollowedByNulBytesIsNotThePassword() throws Exception {
        UserDirectory users = with("job1", "s3cret");
        assertThat(users.verify("job1", utf8("s3cret\0"))).isFalse();
        assertThat(users.verify("job1", utf8("s3cret\0\0"))).isFalse();
        assertThat(users.verify("job1", utf8("s3cret"))).isTrue();
        assertThat(users.verify("job1", utf8("s3cret\0"))).as("not even once the real one is cached").isFalse();
        assertThat(users.verify("job1", utf8("s3cret"))).as("cached").isTrue();
    }

    @Test
    void malformedUtf8IsNotTakenForTheReplacementCharacter() throws Exception {
        UserDirectory users = with("job1", "pa\uFFFDss");
        assertThat(users.verify("job1", new byte[]{'p', 'a', (byte) 0xFF, 's', 's'})).isFalse();
        assertThat(users.verify("job1", new byte[]{'p', 'a', (byte) 0xC0, 's', 's'})).isFalse();
        assertThat(users.verify("job1", utf8("pa\uFFFDss"))).isTrue();
    }

    @Test
    void theCallersBytesAreWipedWhateverTheOutcome() throws Exception {
        UserDirectory users = with("job1", "s3cret");
        byte[] nul = utf8("s3cret\0");
        byte[] unknown = utf8("s3cret");
        users.verify("job1", nul);
        users.verify("nobody", unknown);
        assertThat(nul).containsOnly(0);
        assertThat(unknown).containsOnly(0);
    }

    @Test
    void onlyAPasswordWithoutNulCanBeStored() {
        assertThat(UserDirectory.isUsablePassword("s3cret".toCharArray())).isTrue();
        assertThat(UserDirectory.isUsablePassword("s3cret\0".toCharArray())).isFalse();
    }

    @Test
    void rightWrongAndUnknown() throws Exception {
        UserDirectory users = with("job1", "right");
        assertThat(users.verify("job1", utf8("right"))).isTrue();
        assertThat(users.verify("job1", utf8("wrong"))).isFalse();
        assertThat(users.verify("nobody", utf8("right"))).isFalse();
    }

    /**
     * Issue 7 finding 4: a refusal took 76 ms for a real user and 0.3 ms for an unknown one, which told
     * an attacker which user names exist. Measured as the checking thread's CPU time, which a loaded
     * machine does not stretch the way it stretches wall time; the old code spent next to none on an
     * unknown user, the hash costs tens of milliseconds.
     */
    @Test
    void issue7AnUnknownUserCostsTheSameHashAsAKnownOne() throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isCurrentThreadCpuTimeSupported(), "this JVM cannot measure a thread's CPU time");
        UserDirectory users = UserDirectory.parse(List.of(UserDirectory.entry("job1", "right".toCharArray(), 200_000)));
        users.verify("job1", utf8("warm-up"));
        long known = 0;
        long unknown = 0;
        for (int i = 0; i < 3; i++) {
            known += cpuNanos(threads, () -> users.verify("job1", utf8("wrong")));
            unknown += cpuNanos(threads, () -> users.verify("nobody", utf8("wrong")));
        }
        assertThat(unknown).as("CPU time for an unknown user (ns), against %d for a known one", known).isGreaterThan(known / 3);
    }

    /** A file with mixed iteration counts: a user hashed with fewer costs as much as an unknown one. */
    @Test
    void aUserWithFewerIterationsCostsAsMuchAsAnUnknownOne() throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isCurrentThreadCpuTimeSupported(), "this JVM cannot measure a thread's CPU time");
        UserDirectory users = UserDirectory.parse(List.of(UserDirectory.entry("cheap", "right".toCharArray(), 10_000),
                UserDirectory.entry("dear", "right".toCharArray(), 200_000)));
        users.verify("cheap", utf8("warm-up"));
        long cheap = 0;
        long unknown = 0;
        for (int i = 0; i < 3; i++) {
            cheap += cpuNanos(threads, () -> users.verify("cheap", utf8("wrong")));
            unknown += cpuNanos(threads, () -> users.verify("nobody", utf8("wrong")));
        }
        assertThat(cheap).as("CPU time for the user hashed with 10,000 iterations (ns), against %d for an unknown one", unknown)
                .isGreaterThan(unknown / 3);
    }

    private static long cpuNanos(ThreadMXBean threads, Runnable check) {
        long start = threads.getCurrentThreadCpuTime();
        check.run();
        return threads.getCurrentThreadCpuTime() - start;
    }
}
