package org.ftb.testing;

import org.ftb.address.HostPort;
import org.ftb.auth.UserDirectory;
import org.ftb.config.GatewaySettings;
import org.ftb.gateway.Gateway;
import org.ftb.message.MessageLog;
import org.ftb.rules.DestinationPattern;
import org.ftb.rules.PortRange;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** A real {@code ftb gateway} on an ephemeral loopback port: one password user, tunnels to 127.0.0.1 only. */
public final class TestGateway {
    private TestGateway() {
    }

    /** Its host key and users file are made in {@code dir}. */
    public static Gateway start(Path dir, String user, String password) throws IOException, UserDirectory.FormatException {
        Path users = dir.resolve("gateway-users");
        Files.write(users, List.of(UserDirectory.entry(user, password.toCharArray(), 10_000)));
        return Gateway.start(new GatewaySettings(new HostPort("127.0.0.1", 0), dir.resolve("gateway-hostkey"), Optional.of(users),
                Optional.of(UserDirectory.read(users, TestTextFiles.UTF8)), Optional.empty(), GatewaySettings.DEFAULT_MAX_AUTH_TRIES,
                List.of(new GatewaySettings.Permit(DestinationPattern.parse("127.0.0.1").orElseThrow(), PortRange.ALL)), TestTextFiles.UTF8),
                new MessageLog(LoggerFactory.getLogger("ftb")));
    }
}
