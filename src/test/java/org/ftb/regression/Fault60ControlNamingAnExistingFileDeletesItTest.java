package org.ftb.regression;

import org.ftb.console.CommandDispatcher;
import org.ftb.control.ControlServer;
import org.ftb.logging.LogSetup;
import org.ftb.message.MessageLog;
import org.ftb.testing.TestBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Attack (an operator's slip): BROKER CONTROL names a file that exists and is no ftb ctl endpoint, for
 * instance the broker's own private key {@code CONTROL('/var/ftb/ssh/id_ed25519')} where
 * {@code CONTROL('/var/ftb/ssh/ctl')} was meant, in a directory that is the broker user's and 0700, as
 * a key's directory is.
 *
 * <p>Observed: at the start ControlServer.clearLeftOver takes any regular file for a token file a
 * crashed broker left: TokenFile.read fails ("not an ftb ctl endpoint"), ControlClient.send says
 * NoService, and {@code Files.delete} removes the file. The key is gone, without a word; the endpoint
 * (a socket) now sits where it was. A directory and a symbolic link are refused (FTB0322E), a file of
 * the operator's is not.
 *
 * <p>Correct behaviour: only what a service can have left there is replaced: a socket, or a file that
 * holds an endpoint's token line. Any other file is refused like a directory ("not an endpoint a
 * service left; remove it, or name another place"), and stays as it was.
 */
@Timeout(60)
class Fault60ControlNamingAnExistingFileDeletesItTest {
    @TempDir
    Path dir;

    @Test
    void aFileThatIsNoEndpointIsLeftAlone() throws Exception {
        Path keys = Files.createDirectories(dir.resolve("ssh"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Path key = keys.resolve("id_ed25519");
        String content = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n";
        Files.writeString(key, content, StandardCharsets.US_ASCII);
        MessageLog messages = new MessageLog(LoggerFactory.getLogger(LogSetup.BROKER_LOGGER));
        try (TestBroker broker = TestBroker.start("RULE NAME(ALL) ACTION(DENY)")) {
            CommandDispatcher dispatcher = CommandDispatcher.standard(broker.broker(), messages);
            assertThatThrownBy(() -> ControlServer.open(key, ControlServer.Transport.AUTO, dispatcher, messages).close())
                    .isInstanceOf(IOException.class).hasMessageContaining(key.toString());
        } finally {
            assertThat(key).as("the operator's file").isRegularFile();
            assertThat(Files.readString(key, StandardCharsets.US_ASCII)).isEqualTo(content);
        }
    }
}
