package org.ftb.regression;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.ftb.address.HostPort;
import org.ftb.config.GatewaySettings;
import org.ftb.gateway.Gateway;
import org.ftb.message.MessageLog;
import org.ftb.rules.DestinationPattern;
import org.ftb.rules.PortRange;
import org.ftb.testing.TestTextFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Optional;
import static org.assertj.core.api.Assertions.assertThat;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Security finding (gateway): HOSTKEY, KEY and PASSPHRASE files are refused when others may write them
 * or another user owns them (Fault33), but a user's AUTHORIZEDKEYS file, which decides who logs in, is
 * trusted whatever its mode and owner. OpenSSH (StrictModes, on by default) refuses an authorized_keys
 * file that its group or others may write, or that someone other than the user or root owns: whoever can
 * write it can add a key of their own and log in as that user. Here a 0666 file owned by uid 65534
 * ("nobody") logs a key in. Needs root to give the file away.
 */
@Timeout(60)
class Fault37WritableAuthorizedKeysFileTrustedTest {
    @TempDir
    Path dir;

    @Test
    void anAuthorizedKeysFileOthersMayWriteLogsNoKeyIn() throws Exception {
        KeyPair key = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        Path keys = Files.createDirectories(dir.resolve("authorized_keys"));
        Path file = keys.resolve("job1");
        Files.writeString(file, PublicKeyEntry.toString(key.getPublic()) + " planted-by-another-user\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
        if ("root".equals(System.getProperty("user.name"))) {
            Files.setAttribute(file, "unix:uid", 65534);
        }
        try (Gateway gateway = Gateway.start(new GatewaySettings(new HostPort("127.0.0.1", 0), dir.resolve("hostkey"), Optional.empty(),
                Optional.empty(), Optional.of(keys), GatewaySettings.DEFAULT_MAX_AUTH_TRIES,
                List.of(new GatewaySettings.Permit(DestinationPattern.parse("127.0.0.1").orElseThrow(), PortRange.ALL)), TestTextFiles.UTF8),
                new MessageLog(LoggerFactory.getLogger("ftb")))) {
            SshClient client = SshClient.setUpDefaultClient();
            client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
            client.start();
            try (ClientSession session = client.connect("job1", "127.0.0.1", gateway.port()).verify(10_000).getSession()) {
                session.addPublicKeyIdentity(key);
                boolean authed = session.auth().await(10_000) && session.isAuthenticated();
                assertThat(authed).as("a key from an authorized_keys file with mode 0666 (owner uid %s) logs in",
                        Files.getAttribute(file, "unix:uid")).isFalse();
            } finally {
                client.stop();
            }
        }
    }
}
