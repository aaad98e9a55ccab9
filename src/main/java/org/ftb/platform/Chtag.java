package org.ftb.platform;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Tags a z/OS UNIX file as text in a code page, {@code chtag -tc IBM-1047 file}, so that programs
 * that honour tags (and {@code ls -T}) know what it holds. No Java or JZOS API sets a tag, so the
 * command is run; it takes well under a second, and the broker runs it once per new log file.
 */
public final class Chtag {
    /** Where z/OS UNIX keeps the command. */
    public static final Path SYSTEM = Path.of("/bin/chtag");
    /** How long chtag may take before it counts as failed; a hung file system must not hang logging. */
    private static final Duration LIMIT = Duration.ofSeconds(10);
    /** What is kept of chtag's own output for the reason of a failure. */
    private static final int MAX_OUTPUT = 1024;

    private final Path command;
    private final Charset outputCharset;

    /**
     * @param command       the chtag program: {@link #SYSTEM} on z/OS, a stand-in in tests
     * @param outputCharset the code page of what chtag says: the platform's (EBCDIC on z/OS)
     */
    public Chtag(Path command, Charset outputCharset) {
        this.command = command;
        this.outputCharset = outputCharset;
    }

    /**
     * Tags {@code file} as text in {@code charset}, by its z/OS code set name (see {@link CodePages#zosName}).
     *
     * @throws IOException with the reason when z/OS has no name for the charset, or chtag cannot be run,
     *                     takes longer than 10 s or fails
     */
    public void tag(Path file, Charset charset) throws IOException {
        String codeSet = CodePages.zosName(charset)
                .orElseThrow(() -> new IOException("z/OS has no code set name for " + charset.name()));
        Process process = new ProcessBuilder(command.toString(), "-tc", codeSet, file.toString()).redirectErrorStream(true).start();
        String output;
        try (InputStream out = process.getInputStream()) {
            process.getOutputStream().close();
            if (!process.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(command + " did not end within " + LIMIT.toSeconds() + " s");
            }
            // Read after the end: chtag says at most a line, which the pipe holds without blocking it.
            output = new String(out.readNBytes(MAX_OUTPUT), outputCharset).strip();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(command + " was interrupted", e);
        }
        if (process.exitValue() != 0) {
            throw new IOException(command + " -tc " + codeSet + " ended with " + process.exitValue() + (output.isEmpty() ? "" : ": " + output));
        }
    }
}
