package org.ftb.regression;

import org.ftb.config.ConfigFixtures;
import org.ftb.config.ConfigLoader;
import org.ftb.config.ConfigSource;
import org.ftb.config.Diagnostic;
import org.ftb.config.Symbols;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Attacks the text files read by TextFiles.read ({@code Files.readAllBytes}, no check of what the path
 * is) with a FIFO: USERS('fifo') or {@code --config fifo}. {@code ftb check} and the broker's start
 * then block for ever in open(2), with nothing said (seen with the jar: {@code ftb check} never ends);
 * {@code USERS('/dev/zero')} ends {@code ftb check} with {@code OutOfMemoryError} and a stack trace.
 * KEY, PASSPHRASE and HOSTKEY are already refused when they are not regular files
 * (PrivateFiles: "Reading a FIFO or a device would block or never end, with nothing said"); USERS,
 * KNOWNHOSTS, AUTHORIZEDKEYS and the configuration file are not.
 *
 * <p>Correct behaviour: a text file the broker reads that is not a regular file (FIFO, device) is
 * refused at once with a message naming it (for USERS an error diagnostic on the operand), as KEY and
 * PASSPHRASE are; the check returns.
 */
class Fault46FifoAsUsersFileHangsTheCheckTest {
    @TempDir
    Path dir;

    private Path fifo() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/mkfifo")) || Files.isExecutable(Path.of("/bin/mkfifo")), "mkfifo only");
        Path fifo = dir.resolve("users.fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertThat(mkfifo.waitFor()).isZero();
        return fifo;
    }

    /** Runs {@code load}; when it is still blocked after 5 s, frees it by opening the FIFO for writing, and fails. */
    private static ConfigLoader.Result within5Seconds(Path fifo, Supplier<ConfigLoader.Result> load) throws Exception {
        CompletableFuture<ConfigLoader.Result> loading = CompletableFuture.supplyAsync(load);
        try {
            return loading.get(5, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            try (OutputStream release = Files.newOutputStream(fifo)) {
                release.write("# released by the test\n".getBytes(StandardCharsets.US_ASCII));
            }
            loading.get(10, TimeUnit.SECONDS);
            return fail("reading the configuration blocked on FIFO " + fifo + " until the test wrote to it");
        }
    }

    @Test
    void aUsersFileThatIsAFifoIsRefusedNotWaitedFor() throws Exception {
        Path fifo = fifo();
        ConfigLoader.Result result = within5Seconds(fifo, () -> ConfigFixtures.load(
                "SOCKS VERSIONS(5) AUTH(USERPASS) USERS('" + fifo + "')\nRULE NAME(A) ACTION(DENY)",
                ConfigSource.RecordFormat.STREAM, Map.of(), dir));
        assertThat(result.config()).isEmpty();
        assertThat(result.diagnostics().all()).extracting(Diagnostic::text).anyMatch(text -> text.contains(fifo.toString()));
    }

    @Test
    void aConfigurationFileThatIsAFifoIsRefusedNotWaitedFor() throws Exception {
        Path fifo = fifo();
        ConfigLoader.Result result = within5Seconds(fifo,
                () -> new ConfigLoader(Symbols.none(), StandardCharsets.UTF_8).load(fifo, ConfigSource.RecordFormat.STREAM));
        assertThat(result.config()).isEmpty();
        assertThat(result.returnCode()).isEqualTo(8);
    }
}
