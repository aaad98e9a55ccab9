package org.ftb.platform;

import org.ftb.message.Notice;
import org.ftb.platform.zos.ZosPlatform;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What differs between z/OS and other systems: system symbols, character sets and file tags, MVS data
 * sets and the operator's console.
 */
public interface Platform {
    String name();

    /** The value of system symbol {@code name} (upper case, without {@code &} and {@code .}). */
    Optional<String> symbol(String name);

    /** The character set of this system's consoles and text files: EBCDIC on z/OS. */
    Charset nativeCharset();

    /**
     * Reads an MVS data set or member in record mode.
     *
     * @param name {@code //DD:NAME}, {@code //DD:NAME(MEMBER)} or {@code //'DSN(MEMBER)'}
     * @throws IOException when it cannot be opened or read, or when this system has no data sets
     */
    DataSet readDataSet(String name) throws IOException;

    /** The operator console of this system, where it has one apart from standard input and output. */
    Optional<SystemConsole> systemConsole();

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
