package org.ftb.ssh;

import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.RejectAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.ftb.config.SshHostSettings;

import java.net.SocketAddress;
import java.nio.file.Path;
import java.security.PublicKey;

/**
 * Host-key checking against an OpenSSH known_hosts file (hashed entries and {@code [host]:port}
 * included). STRICT refuses unknown and changed keys; ACCEPTNEW records an unknown key once and
 * still refuses a changed one. A refusal is recorded on the session so that the failure can say why.
 */
final class HostKeyCheck extends KnownHostsServerKeyVerifier {
    /** Why the host key was refused, for the message. */
    static final AttributeRepository.AttributeKey<String> REFUSAL = new AttributeRepository.AttributeKey<>();

    HostKeyCheck(Path knownHosts, SshHostSettings.HostKeyPolicy policy) {
        super(policy == SshHostSettings.HostKeyPolicy.STRICT ? RejectAllServerKeyVerifier.INSTANCE : AcceptAllServerKeyVerifier.INSTANCE,
                knownHosts);
    }

    @Override
    protected boolean acceptUnknownHostKey(ClientSession session, SocketAddress remote, PublicKey key) {
        boolean accepted = super.acceptUnknownHostKey(session, remote, key);
        if (!accepted) {
            session.setAttribute(REFUSAL, "its " + KeyUtils.getKeyType(key) + " host key " + KeyUtils.getFingerPrint(key)
                    + " is not in " + getPath() + " (HOSTKEYS(STRICT))");
        }
        return accepted;
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
