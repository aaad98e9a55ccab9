package org.ftb.config;

import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.Optional;

/** The LOG statement; the charset applies to every log destination. */
public record LogSettings(LogLevel level, Optional<Path> file, Charset charset, boolean audit) {
    public static LogSettings defaults(Charset platformCharset) {
        return new LogSettings(LogLevel.INFO, Optional.empty(), platformCharset, true);
    }
}
