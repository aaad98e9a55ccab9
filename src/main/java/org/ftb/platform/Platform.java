package org.ftb.platform;

import org.ftb.message.Notice;
import org.ftb.platform.zos.ZosPlatform;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** What differs between z/OS and other systems: system symbols, character sets and file tags. */
public interface Platform {
    String name();

    /** The value of system symbol {@code name} (upper case, without {@code &} and {@code .}). */
    Optional<String> symbol(String name);

    /** The character set of this system's consoles and text files: EBCDIC on z/OS. */
    Charset nativeCharset();

    /** The character set the log lines on standard output and error are written in. */
    Charset consoleCharset();

    /**
     * Marks a new text file as holding text in {@code charset}, where files carry such a mark (z/OS
     * file tags); does nothing elsewhere.
     *
     * @throws IOException with the reason when the file cannot be tagged; the file itself is fine
     */
    void tagTextFile(Path file, Charset charset) throws IOException;

    /** What the operator should know about how this system is set up for the broker, to be logged at start. */
    default List<Notice> warnings() {
        return List.of();
    }

    static Platform detect() {
        return "z/OS".equals(System.getProperty("os.name")) ? new ZosPlatform() : new JvmPlatform();
    }
}
