package org.ftb.config;

import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.Optional;

/** The LOG statement; the charset applies to the log file, the console has the platform's (see LogSetup). */
public record LogSettings(LogLevel level, Optional<Path> file, Charset charset, boolean audit, Rolling rolling) {
    public static LogSettings defaults(Charset platformCharset) {
        return new LogSettings(LogLevel.INFO, Optional.empty(), platformCharset, true, Rolling.DEFAULTS);
    }

    /**
     * How FILE rolls: into a new file each day and whenever it reaches {@code maxFileBytes}; a rolled
     * file is deleted after {@code keepDays} days, or sooner when the rolled files together would take
     * more than {@code totalBytes}. So the log never holds more than about totalBytes + maxFileBytes.
     */
    public record Rolling(long maxFileBytes, int keepDays, long totalBytes) {
        public static final Rolling DEFAULTS = new Rolling(50L << 20, 14, 1L << 30);
    }
}
