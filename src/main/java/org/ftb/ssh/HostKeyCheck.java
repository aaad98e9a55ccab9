package org.ftb.ssh;

import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.RejectAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.ftb.config.SshHostSettings;
import org.ftb.platform.TextFiles;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Host-key checking against an OpenSSH known_hosts file (hashed entries and {@code [host]:port}
 * included). STRICT refuses unknown and changed keys; ACCEPTNEW records an unknown key once and
 * still refuses a changed one. A refusal is recorded on the session so that the failure can say why.
 *
 * <p>MINA reads known_hosts as UTF-8; here it is read by the platform's {@link TextFiles} rule, so an
 * untagged IBM-1047 file made on z/OS works too, and ACCEPTNEW appends in the code page the file is
 * in. The file is still read again whenever it changes. A file that cannot be read or decoded
 * refuses every key, under ACCEPTNEW too: trusting a new key while the file that may list the host
 * cannot be read would let any server in.
 */
final class HostKeyCheck extends KnownHostsServerKeyVerifier {
    /** Why the host key was refused, for the message. */
    static final AttributeRepository.AttributeKey<String> REFUSAL = new AttributeRepository.AttributeKey<>();

    private final TextFiles textFiles;

    HostKeyCheck(Path knownHosts, SshHostSettings.HostKeyPolicy policy, TextFiles textFiles) {
        super(policy == SshHostSettings.HostKeyPolicy.STRICT ? RejectAllServerKeyVerifier.INSTANCE : AcceptAllServerKeyVerifier.INSTANCE,
                knownHosts);
        this.textFiles = textFiles;
    }

    /** As MINA's own, which skips an entry whose key it cannot read, but with the file's text decoded by the rule. */
    @Override
    protected List<HostEntryPair> reloadKnownHosts(ClientSession session, Path file) throws IOException, GeneralSecurityException {
        List<KnownHostEntry> entries = KnownHostEntry.readKnownHostEntries(new BufferedReader(new StringReader(textFiles.read(file).text())));
        List<HostEntryPair> keys = new ArrayList<>();
        PublicKeyEntryResolver resolver = getFallbackPublicKeyEntryResolver();
        for (KnownHostEntry entry : entries) {
            try {
                PublicKey key = resolveHostKey(session, entry, resolver);
                if (key != null) {
                    keys.add(new HostEntryPair(entry, key));
                }
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                log.warn("known_hosts {} entry {} is skipped: {}", file, entry, e.getMessage());
            }
        }
        return keys;
    }

    /** ACCEPTNEW's new entry, appended in the code page the file is in (UTF-8 for a new or empty file, as MINA writes it). */
    @Override
    protected KnownHostEntry updateKnownHostsFile(ClientSession session, SocketAddress remote, PublicKey key, Path file,
                                                  Collection<HostEntryPair> knownHosts) throws Exception {
        KnownHostEntry entry = prepareKnownHostEntry(session, remote, key);
        if (entry == null) {
            return null;
        }
        synchronized (updateLock) {
            boolean existing = Files.exists(file) && Files.size(file) > 0;
            TextFiles.Text text = existing ? textFiles.read(file) : new TextFiles.Text("", StandardCharsets.UTF_8);
            // Only a last line without its line end gets one first; MINA writes one whatever the file ends with.
            String lineEnd = !existing || text.text().endsWith("\n") || text.text().endsWith("\r") ? "" : "\n";
            Files.write(file, (lineEnd + entry.getConfigLine() + "\n").getBytes(text.charset()), StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        }
        resetReloadAttributes();
        return entry;
    }

    /**
     * MINA takes a file it could not read for an empty one (it only warns), so that ACCEPTNEW would
     * trust any key: the file is read again here, when a key is not in what was read of it.
     */
    @Override
    protected boolean acceptUnknownHostKey(ClientSession session, SocketAddress remote, PublicKey key) {
        Optional<String> unreadable = unreadable();
        if (unreadable.isPresent()) {
            session.setAttribute(REFUSAL, "its " + KeyUtils.getKeyType(key) + " host key " + KeyUtils.getFingerPrint(key)
                    + " cannot be checked: " + getPath() + " cannot be read: " + unreadable.get());
            return false;
        }
        boolean accepted = super.acceptUnknownHostKey(session, remote, key);
        if (!accepted) {
            session.setAttribute(REFUSAL, "its " + KeyUtils.getKeyType(key) + " host key " + KeyUtils.getFingerPrint(key)
                    + " is not in " + getPath() + " (HOSTKEYS(STRICT))");
        }
        return accepted;
    }

    /** Why the known_hosts file that exists cannot be read as text, or empty when it can, or does not exist. */
    private Optional<String> unreadable() {
        try {
            if (Files.exists(getPath())) {
                textFiles.read(getPath());
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of(e instanceof AccessDeniedException ? "permission denied"
                    : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    @Override
    public boolean acceptModifiedServerKey(ClientSession session, SocketAddress remote, KnownHostEntry entry,
                                           PublicKey expected, PublicKey actual) {
        session.setAttribute(REFUSAL, "its host key CHANGED: " + getPath() + " has " + KeyUtils.getFingerPrint(expected)
                + ", the server offers " + KeyUtils.getFingerPrint(actual));
        return false;
    }

    @Override
    protected void handleRevokedKey(ClientSession session, SocketAddress remote, PublicKey key) {
        session.setAttribute(REFUSAL, "its host key " + KeyUtils.getFingerPrint(key) + " is marked @revoked in " + getPath());
    }
}
