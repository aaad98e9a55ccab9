package org.ftb.regression;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.ftb.address.HostPort;
import org.ftb.config.GatewaySettings;
import org.ftb.gateway.Gateway;
import org.ftb.message.MessageLog;
import org.ftb.rules.DestinationPattern;
import org.ftb.rules.PortRange;
import org.ftb.testing.KeyLogin;
import org.ftb.testing.TestTextFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Security finding (gateway): docs say AUTHORIZEDKEYS files are OpenSSH authorized_keys files and
 * "OpenSSH options such as from= and expiry-time= apply". The options that restrict what a key may
 * forward — {@code restrict}, {@code no-port-forwarding}, {@code permitopen="host:port"} — are
 * silently ignored: a key an operator limited to one destination (or to none) opens direct-tcpip
 * channels to every PERMIT destination. OpenSSH refuses such a channel ("administratively prohibited");
 * the gateway should refuse it too, or refuse a file with options it does not honour.
 */
@Timeout(60)
class Fault32AuthorizedKeysForwardingOptionsIgnoredTest {
    @TempDir
    Path dir;

    @Test
    void aKeyWithNoPortForwardingOrAnotherPermitopenCannotOpenATunnel() throws Exception {
        KeyPair key = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        Path keys = Files.createDirectories(dir.resolve("authorized_keys"));
        Files.writeString(keys.resolve("job1"), "restrict,no-port-forwarding,permitopen=\"127.0.0.1:9\" "
                + PublicKeyEntry.toString(key.getPublic()) + " job1@test\n");
        try (ServerSocket target = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             Gateway gateway = Gateway.start(new GatewaySettings(new HostPort("127.0.0.1", 0), dir.resolve("hostkey"), Optional.empty(),
                     Optional.empty(), Optional.of(keys), GatewaySettings.DEFAULT_MAX_AUTH_TRIES,
                     List.of(new GatewaySettings.Permit(DestinationPattern.parse("127.0.0.1").orElseThrow(), PortRange.ALL)), TestTextFiles.UTF8),
                     new MessageLog(LoggerFactory.getLogger("ftb")))) {
            try (KeyLogin login = KeyLogin.to(gateway.port(), "job1", key)) {
                assertThatThrownBy(() -> login.openTunnel(target.getLocalPort()))
                        .as("a tunnel to 127.0.0.1:%d for a key with restrict,no-port-forwarding,permitopen=\"127.0.0.1:9\"", target.getLocalPort())
                        .isInstanceOf(Exception.class);
            }
        }
    }
}
