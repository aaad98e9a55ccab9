package org.ftb.gateway;

import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.config.keys.AuthorizedKeysAuthenticator;
import org.apache.sshd.server.session.ServerSession;
import org.ftb.auth.UserDirectory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * AUTHORIZEDKEYS: a directory with one OpenSSH authorized_keys file per user, named as the user, as
 * OpenSSH's {@code AuthorizedKeysFile /etc/ssh/authorized_keys/%u}. A key logs in only the user whose
 * file holds it. MINA reads each file again when it changes.
 */
final class AuthorizedKeysDirectory implements PublickeyAuthenticator {
    private final Path directory;
    /** Only users whose file exists are remembered, so user names a client makes up cannot fill it. */
    private final Map<String, AuthorizedKeysAuthenticator> files = new ConcurrentHashMap<>();

    AuthorizedKeysDirectory(Path directory) {
        this.directory = directory.toAbsolutePath().normalize();
    }

    @Override
    public boolean authenticate(String user, PublicKey key, ServerSession session) {
        return fileOf(user).map(file -> files.computeIfAbsent(user, u -> new AuthorizedKeysAuthenticator(file)))
                .map(keys -> keys.authenticate(user, key, session)).orElse(false);
    }

    /** The user's file, if the name is a plain file name (it comes from the client) and the file exists. */
    private Optional<Path> fileOf(String user) {
        if (!UserDirectory.isValidUser(user) || user.startsWith(".") || user.indexOf('/') >= 0 || user.indexOf('\\') >= 0) {
            return Optional.empty();
        }
        Path file = directory.resolve(user).normalize();
        return directory.equals(file.getParent()) && Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    }
}
