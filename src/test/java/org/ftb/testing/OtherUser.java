package org.ftb.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Another local user than the test's, uid and gid 65534 ("nobody" on Debian), to act as through setpriv. */
public final class OtherUser {
    public static final String UID = "65534";

    private OtherUser() {
    }

    /** True when this test may act as the other user: it runs as root and has setpriv. */
    public static boolean available() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"))
                    && Files.isExecutable(Path.of("/usr/bin/setpriv"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    /** Runs {@code command} as the other user; returns what it wrote to its standard output. */
    public static byte[] run(String... command) throws Exception {
        Process p = start(UID, command);
        try (InputStream out = p.getInputStream()) {
            byte[] read = out.readAllBytes();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            return read;
        }
    }

    /**
     * Starts {@code script} in /usr/bin/python3 with {@code arguments}, as the local user {@code uid} (any
     * number: setpriv needs no passwd entry); its standard output is the caller's to read, its errors are
     * discarded.
     */
    public static Process python(String uid, String script, String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", "-c", script));
        command.addAll(List.of(arguments));
        return start(uid, command.toArray(String[]::new));
    }

    private static Process start(String uid, String... command) throws IOException {
        List<String> line = new ArrayList<>(List.of("setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups"));
        line.addAll(List.of(command));
        return new ProcessBuilder(line).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }
}
