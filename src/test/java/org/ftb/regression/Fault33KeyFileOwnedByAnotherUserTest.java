package org.ftb.regression;

import org.ftb.address.HostPort;
import org.ftb.config.GatewaySettings;
import org.ftb.gateway.Gateway;
import org.ftb.message.MessageLog;
import org.ftb.platform.PrivateFiles;
import org.ftb.rules.DestinationPattern;
import org.ftb.rules.PortRange;
import org.ftb.testing.TestTextFiles;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Security finding: docs/security.md says a HOSTKEY, KEY or PASSPHRASE file "that its group or others
 * may use is refused" (FTB0143E/FTB0504E/FTB0224E). Only the mode bits are looked at, never the owner:
 * a 0600 file owned by another local user (here uid 65534, "nobody") is accepted, although that user
 * can read the private key, and replace it, at will. Needs root to give the file away.
 */
@Timeout(60)
class Fault33KeyFileOwnedByAnotherUserTest {
    @TempDir
    Path dir;

    @Test
    void aHostKeyOwnedByAnotherUserIsRefused() throws Exception {
        Assumptions.assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root to chown");
        GatewaySettings settings = new GatewaySettings(new HostPort("127.0.0.1", 0), dir.resolve("hostkey"), Optional.of(Rig.usersFile(dir)),
                Optional.of(org.ftb.auth.UserDirectory.read(Rig.usersFile(dir), TestTextFiles.UTF8)), Optional.empty(), GatewaySettings.DEFAULT_MAX_AUTH_TRIES,
                List.of(new GatewaySettings.Permit(DestinationPattern.parse("127.0.0.1").orElseThrow(), PortRange.ALL)), TestTextFiles.UTF8);
        Gateway.start(settings, new MessageLog(LoggerFactory.getLogger("ftb"))).close(); // makes the key, 0600
        UserPrincipalLookupService names = FileSystems.getDefault().getUserPrincipalLookupService();
        UserPrincipal nobody = names.lookupPrincipalByName("65534");
        GroupPrincipal nogroup = names.lookupPrincipalByGroupName("65534");
        PosixFileAttributeView view = Files.getFileAttributeView(settings.hostKey(), PosixFileAttributeView.class);
        view.setOwner(nobody);
        view.setGroup(nogroup);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(settings.hostKey()))).isEqualTo("rw-------");
        assertThat(PrivateFiles.unprotected("HOSTKEY", settings.hostKey()))
                .as("HOSTKEY owned by uid 65534, mode 0600, used by a gateway running as root").isPresent();
    }
}
