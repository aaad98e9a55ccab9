package org.ftb.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether the files a configuration names can be used, asked while binding so that {@code ftb check}
 * finds what would stop the broker or its tunnels later. Nothing is created or opened.
 */
final class FileAccess {
    private FileAccess() {
    }

    /** Why {@code file} cannot be read, or empty when it can. */
    static Optional<String> unreadable(Path file) {
        if (!Files.exists(file)) {
            return Optional.of("no such file");
        }
        if (Files.isDirectory(file)) {
            return Optional.of("it is a directory");
        }
        return Files.isReadable(file) ? Optional.empty() : Optional.of("permission denied");
    }

    /** Why the files in {@code directory} cannot be read, or empty when they can. */
    static Optional<String> unreadableDirectory(Path directory) {
        if (!Files.exists(directory)) {
            return Optional.of("no such directory");
        }
        return Files.isReadable(directory) && Files.isExecutable(directory) ? Optional.empty() : Optional.of("permission denied");
    }

    /**
     * Why {@code file} cannot be opened for appending, or empty when it can. Missing directories count
     * as writable where they can be made, as the log appender makes them.
     */
    static Optional<String> unwritable(Path file) {
        if (Files.isDirectory(file)) {
            return Optional.of("it is a directory");
        }
        if (Files.exists(file)) {
            return Files.isWritable(file) ? Optional.empty() : Optional.of("permission denied");
        }
        Path existing = file.toAbsolutePath().getParent();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return Optional.of("no directory on its path exists");
        }
        if (!Files.isDirectory(existing)) {
            return Optional.of(existing + " is not a directory");
        }
        return Files.isWritable(existing) ? Optional.empty() : Optional.of("permission denied in " + existing);
    }
}
