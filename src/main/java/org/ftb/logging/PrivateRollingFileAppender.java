package org.ftb.logging;

import ch.qos.logback.core.rolling.RollingFileAppender;
import org.ftb.platform.PrivateFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * A rolling log file that is owner-only from the start, each file of it. Logback opens the active file
 * with the process's umask, often readable by everyone, at start and again after every roll, and the
 * log names users, clients and destinations; so each new active file is made owner-only here first. A
 * rolled file is the active file renamed (the rolling policy keeps them in its directory and does not
 * compress), so it keeps the owner-only permissions, and the code page tag that each new file is
 * given (on z/OS). A file that exists keeps the permissions and tag its operator gave it.
 */
final class PrivateRollingFileAppender<E> extends RollingFileAppender<E> {
    private final Consumer<Path> onNewFile;

    /** @param onNewFile called with each file made here, before anything is written to it: it tags the file */
    PrivateRollingFileAppender(Consumer<Path> onNewFile) {
        this.onNewFile = onNewFile;
    }

    /**
     * Makes {@code file} owner-only and empty unless it exists, and its missing directories; a file made
     * here is given to {@code onNewFile}.
     *
     * @throws IOException with the reason, when it cannot be made
     */
    void prepare(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (PrivateFiles.createIfAbsent(file)) {
            onNewFile.accept(file);
        }
    }

    @Override
    public void openFile(String fileName) throws IOException {
        prepare(Path.of(fileName));
        super.openFile(fileName);
    }
}
