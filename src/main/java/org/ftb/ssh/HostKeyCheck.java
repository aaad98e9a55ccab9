package org.ftb.ssh;

import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.RejectAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.ftb.config.SshHostSettings;
import org.ftb.platform.TextFiles;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
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
    /** The fingerprints of the host's keys in the file of the type the server offered. */
    private static final AttributeRepository.AttributeKey<List<String>> SAME_TYPE = new AttributeRepository.AttributeKey<>();

    private final TextFiles textFiles;

    HostKeyCheck(Path knownHosts, SshHostSettings.HostKeyPolicy policy, TextFiles textFiles) {
        super(policy == SshHostSettings.HostKeyPolicy.STRICT ? RejectAllServerKeyVerifier.INSTANCE : AcceptAllServerKeyVerifier.INSTANCE,
                knownHosts);
        this.textFiles = textFiles;
    }

    /**
     * As MINA's own, which skips a line it cannot use, but read by {@link KnownHosts}: the text decoded
     * by the rule, and each skipped line said with its number.
     */
    @Override
    protected List<HostEntryPair> reloadKnownHosts(ClientSession session, Path file) throws IOException {
        KnownHosts knownHosts = KnownHosts.read(file, textFiles);
        for (KnownHosts.Skipped skipped : knownHosts.skipped()) {
            log.warn("known_hosts {} line {} is skipped: {}", file, skipped.line(), skipped.reason());
        }
        List<HostEntryPair> keys = new ArrayList<>();
        for (KnownHosts.Entry entry : knownHosts.entries()) {
            keys.add(new HostEntryPair(entry.hostEntry(), entry.key()));
        }
        return keys;
    }

    /** ACCEPTNEW's new entry, appended by {@link KnownHosts} (in the code page the file is in, a new file owner-only). */
    @Override
    protected KnownHostEntry updateKnownHostsFile(ClientSession session, SocketAddress remote, PublicKey key, Path file,
                                                  Collection<HostEntryPair> knownHosts) throws Exception {
        KnownHostEntry entry = prepareKnownHostEntry(session, remote, key);
        if (entry == null) {
            return null;
        }
        synchronized (updateLock) {
            KnownHosts.read(file, textFiles).append(List.of(entry.getConfigLine()));
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

    /**
     * Notes, for the refusal of a modified key, the host's keys of the offered type in the file: MINA
     * calls a key modified when the file lists the host with any other key, of another type too, and
     * names one of them, whatever its type. Its client asks for ECDSA before Ed25519 and RSA, so a
     * server that has an ECDSA key besides the Ed25519 key the file lists is refused that way.
     */
    @Override
    protected boolean acceptKnownHostEntries(ClientSession session, SocketAddress remote, PublicKey serverKey,
                                             Collection<HostEntryPair> knownHosts) {
        String type = KeyUtils.getKeyType(serverKey);
        session.setAttribute(SAME_TYPE, findKnownHostEntries(session, remote, knownHosts).stream()
                .filter(pair -> pair.getHostEntry().getMarker() == null && type.equals(KeyUtils.getKeyType(pair.getServerKey())))
                .map(pair -> new HostKey(pair.getServerKey()).fingerprint()).toList());
        return super.acceptKnownHostEntries(session, remote, serverKey, knownHosts);
    }

    @Override
    public boolean acceptModifiedServerKey(ClientSession session, SocketAddress remote, KnownHostEntry entry,
                                           PublicKey expected, PublicKey actual) {
        HostKey offered = new HostKey(actual);
        List<String> sameType = session.getAttribute(SAME_TYPE);
        session.setAttribute(REFUSAL, sameType == null || sameType.isEmpty()
                ? "its " + offered.type() + " host key " + offered.fingerprint() + " is not in " + getPath()
                        + ", which lists the host with keys of other types only; add every key the server has (ftb trust)"
                : "its host key CHANGED: " + getPath() + " has " + String.join(", ", sameType) + ", the server offers "
                        + offered.type() + " " + offered.fingerprint());
        return false;
    }

    @Override
    protected void handleRevokedKey(ClientSession session, SocketAddress remote, PublicKey key) {
        session.setAttribute(REFUSAL, "its host key " + KeyUtils.getFingerPrint(key) + " is marked @revoked in " + getPath());
    }
}
