package org.ftb.config;

import org.ftb.address.HostPort;
import org.ftb.auth.UserDirectory;
import org.ftb.socks.SocksVersion;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The SOCKS statement; {@code users} is loaded from {@code usersFile} when AUTH(USERPASS). */
public record SocksSettings(List<HostPort> listen, Set<SocksVersion> versions, SocksAuth auth,
                            Optional<Path> usersFile, Optional<UserDirectory> users) {
    public static final HostPort DEFAULT_LISTEN = new HostPort("127.0.0.1", 1080);
    public static final SocksSettings DEFAULTS = new SocksSettings(List.of(DEFAULT_LISTEN),
            Set.of(SocksVersion.V4, SocksVersion.V5), SocksAuth.NONE, Optional.empty(), Optional.empty());

    public SocksSettings {
        listen = List.copyOf(listen);
        versions = Set.copyOf(versions);
    }
}
