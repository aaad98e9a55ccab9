package org.ftb.gateway;

import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.config.keys.AuthorizedKeysAuthenticator;
import org.apache.sshd.server.session.ServerSession;
import org.ftb.auth.UserDirectory;
import org.ftb.message.MessageLog;
import org.ftb.message.Msg;
import org.ftb.platform.PrivateFiles;
import org.ftb.platform.TextFiles;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * AUTHORIZEDKEYS: a directory with one OpenSSH authorized_keys file per user, named as the user, as
 * OpenSSH's {@code AuthorizedKeysFile /etc/ssh/authorized_keys/%u}. A key logs in only the user whose
 * file holds it, and only from a file no one else could have changed (as OpenSSH's StrictModes): a
 * file that others may write or another user owns is refused (FTB0515W) each time it is asked. MINA
 * reads each file again when it changes; its text is decoded by the platform's {@link TextFiles} rule,
 * so that an untagged IBM-1047 file made on z/OS works as a UTF-8 one does.
 */
final class AuthorizedKeysDirectory implements PublickeyAuthenticator {
    private final Path directory;
    private final TextFiles textFiles;
    private final MessageLog messages;
    /** Only users whose file exists are remembered, so user names a client makes up cannot fill it. */
    private final Map<String, AuthorizedKeysAuthenticator> files = new ConcurrentHashMap<>();

    AuthorizedKeysDirectory(Path directory, TextFiles textFiles, MessageLog messages) {
        this.directory = directory.toAbsolutePath().normalize();
        this.textFiles = textFiles;
        this.messages = messages;
    }

    @Override
    public boolean authenticate(String user, PublicKey key, ServerSession session) {
        return fileOf(user).map(file -> files.computeIfAbsent(user, u -> new DecodedFile(file)))
                .map(keys -> keys.authenticate(user, key, session)).orElse(false);
    }

    /** One user's file, read as MINA reads it but decoded by the rule. */
    private final class DecodedFile extends AuthorizedKeysAuthenticator {
        DecodedFile(Path file) {
            super(file);
        }

        @Override
        protected Collection<AuthorizedKeyEntry> reloadAuthorizedKeys(Path file, String user, ServerSession session) throws IOException {
            List<AuthorizedKeyEntry> entries = AuthorizedKeyEntry.readAuthorizedKeys(new StringReader(textFiles.read(file).text()), true);
            // As MINA's own: the file's time and size are noted, so that it is read again only when it changes.
            updateReloadAttributes();
            return entries;
        }
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
