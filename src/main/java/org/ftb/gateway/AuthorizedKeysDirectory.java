package org.ftb.gateway;

import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.config.keys.AuthorizedKeysAuthenticator;
import org.apache.sshd.server.session.ServerSession;
import org.ftb.auth.UserDirectory;
import org.ftb.message.MessageLog;
import org.ftb.message.Msg;
import org.ftb.platform.PrivateFiles;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * AUTHORIZEDKEYS: a directory with one OpenSSH authorized_keys file per user, named as the user, as
 * OpenSSH's {@code AuthorizedKeysFile /etc/ssh/authorized_keys/%u}. A key logs in only the user whose
 * file holds it, and only from a file no one else could have changed (as OpenSSH's StrictModes): a
 * file that others may write or another user owns is refused (FTB0515W) each time it is asked. MINA
 * reads each file again when it changes.
 */
final class AuthorizedKeysDirectory implements PublickeyAuthenticator {
    private final Path directory;
    private final MessageLog messages;
    /** Only users whose file exists are remembered, so user names a client makes up cannot fill it. */
    private final Map<String, AuthorizedKeysAuthenticator> files = new ConcurrentHashMap<>();

    AuthorizedKeysDirectory(Path directory, MessageLog messages) {
        this.directory = directory.toAbsolutePath().normalize();
        this.messages = messages;
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
        if (!directory.equals(file.getParent()) || !Files.exists(file)) {
            return Optional.empty();
        }
        Optional<String> untrusted = PrivateFiles.changeableByOthers("AUTHORIZEDKEYS", file);
        untrusted.ifPresent(reason -> messages.log(Msg.FTB0515W, user, reason));
        return untrusted.isPresent() ? Optional.empty() : Optional.of(file);
    }
}
