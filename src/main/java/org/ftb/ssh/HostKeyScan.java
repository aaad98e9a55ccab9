package org.ftb.ssh;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.kex.KexProposalOption;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.apache.sshd.core.CoreModuleProperties;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Fetches every host key an SSH server has that the broker's SSH client accepts, as ssh-keyscan does.
 * A key exchange settles on one host key, whose private key the server proves it holds by signing
 * the exchange (RFC 4253 section 8), so each key type takes an exchange of its own. The first offers
 * every type and learns from the server's KEXINIT which types it has (RFC 4253 section 7.1); the
 * others ask for one of those each, so a type the server lacks costs nothing and is no error. No
 * exchange goes on to a login: the connection ends when the key is known.
 */
public final class HostKeyScan {
    /**
     * The signature algorithms of each key type, in the order keys are shown. All of them are in the
     * broker's client's default list (MINA's); security keys (sk-*) and certificates are not host keys
     * that known_hosts lists as such.
     */
    private static final List<KeyType> KEY_TYPES = List.of(
            new KeyType(KeyPairProvider.SSH_ED25519, List.of(BuiltinSignatures.ed25519)),
            new KeyType(KeyPairProvider.ECDSA_SHA2_NISTP256, List.of(BuiltinSignatures.nistp256)),
            new KeyType(KeyPairProvider.ECDSA_SHA2_NISTP384, List.of(BuiltinSignatures.nistp384)),
            new KeyType(KeyPairProvider.ECDSA_SHA2_NISTP521, List.of(BuiltinSignatures.nistp521)),
            new KeyType(KeyPairProvider.SSH_RSA, List.of(BuiltinSignatures.rsaSHA512, BuiltinSignatures.rsaSHA256, BuiltinSignatures.rsa)));
    /** The key the server offered, once it proved that it holds the private key. */
    private static final AttributeRepository.AttributeKey<PublicKey> OFFERED = new AttributeRepository.AttributeKey<>();
    /** Why the session failed, as MINA says it. */
    private static final AttributeRepository.AttributeKey<String> FAILURE = new AttributeRepository.AttributeKey<>();
    /** Sent in no message: no exchange reaches the login. */
    private static final String NO_USER = "ftb";

    private HostKeyScan() {
    }

    /** An SSH server that could not be asked for its keys; the message says why. */
    public static final class ScanFailure extends Exception {
        private static final long serialVersionUID = 1L;

        ScanFailure(String message) {
            super(message);
        }
    }

    /** A key type (its name in known_hosts) and the signature algorithms that prove a key of it. */
    private record KeyType(String name, List<BuiltinSignatures> signatures) {
    }

    /** The key types the broker accepts, with the signature algorithms that prove them. */
    public static String acceptedTypes() {
        return String.join(", ", KEY_TYPES.stream().map(t -> t.signatures().size() == 1 ? t.name()
                : t.name() + " (" + String.join(", ", t.signatures().stream().map(NamedResource::getName).toList()) + ")").toList());
    }

    /**
     * The host keys of the SSH server at {@code server}, one per key type it has, in the order of
     * {@link #acceptedTypes()}.
     *
     * @param timeout how long each connection may take to connect, and then to finish its key exchange
     * @throws ScanFailure when the server cannot be reached, is silent beyond the timeout, has none of
     *                     the key types the broker accepts, or a key exchange fails
     */
    public static List<HostKey> scan(InetSocketAddress server, Duration timeout) throws ScanFailure {
        SshClient client = SshClient.setUpDefaultClient();
        client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        // Checked only after the server signed the exchange with it: the key is the server's.
        client.setServerKeyVerifier((session, remote, key) -> {
            session.setAttribute(OFFERED, key);
            return true;
        });
        client.addSessionListener(new SessionListener() {
            @Override
            public void sessionException(Session session, Throwable t) {
                session.setAttribute(FAILURE, t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
            }
        });
        CoreModuleProperties.IO_CONNECT_TIMEOUT.set(client, timeout);
        CoreModuleProperties.NIO_WORKERS.set(client, 1);
        client.start();
        try {
            List<BuiltinSignatures> every = KEY_TYPES.stream().flatMap(t -> t.signatures().stream()).toList();
            Exchange first = exchange(client, server, every, timeout);
            if (first.key() == null && first.serverHas(every)) {
                throw new ScanFailure("the key exchange failed: " + first.failure());
            }
            if (first.key() == null) {
                throw new ScanFailure("it offers the host key algorithm(s) " + String.join(", ", first.serverKeys())
                        + " only; the broker accepts " + acceptedTypes());
            }
            List<HostKey> keys = new ArrayList<>();
            for (KeyType type : KEY_TYPES) {
                if (new HostKey(first.key()).type().equals(type.name())) {
                    keys.add(new HostKey(first.key()));
                } else if (first.serverHas(type.signatures())) {
                    Exchange another = exchange(client, server, type.signatures(), timeout);
                    if (another.key() == null) {
                        throw new ScanFailure("the key exchange for its " + type.name() + " key failed: " + another.failure());
                    }
                    keys.add(new HostKey(another.key()));
                }
            }
            return keys;
        } finally {
            client.stop();
        }
    }

    /**
     * One connection that asks for a host key signed with one of {@code signatures}. The client's
     * list is set for each: the connections run one after the other, and each reads it when it starts.
     */
    private static Exchange exchange(SshClient client, InetSocketAddress server, List<BuiltinSignatures> signatures, Duration timeout)
            throws ScanFailure {
        client.setSignatureFactories(new ArrayList<>(signatures));
        ClientSession session;
        try {
            ConnectFuture connecting = client.connect(NO_USER, server);
            if (!connecting.await(timeout)) {
                connecting.cancel();
                throw new ScanFailure("no connection within " + timeout.toSeconds() + " s");
            }
            if (!connecting.isConnected()) {
                throw new ScanFailure("cannot connect: " + reason(connecting.getException()));
            }
            session = connecting.getSession();
        } catch (IOException e) {
            throw new ScanFailure("cannot connect: " + reason(e));
        }
        try {
            Set<ClientSession.ClientSessionEvent> events = session.waitFor(
                    EnumSet.of(ClientSession.ClientSessionEvent.WAIT_AUTH, ClientSession.ClientSessionEvent.CLOSED), timeout);
            PublicKey key = session.getAttribute(OFFERED);
            if (key == null && events.contains(ClientSession.ClientSessionEvent.TIMEOUT)) {
                throw new ScanFailure("connected, but no SSH key exchange within " + timeout.toSeconds() + " s");
            }
            String proposal = session.getServerKexProposals().get(KexProposalOption.SERVERKEYS);
            if (key == null && proposal == null) {
                String failure = session.getAttribute(FAILURE);
                throw new ScanFailure("the connection ended before the key exchange" + (failure == null ? "" : ": " + failure));
            }
            String failure = session.getAttribute(FAILURE);
            return new Exchange(key, proposal == null ? List.of() : Arrays.asList(proposal.split(",")),
                    failure == null ? "the connection ended" : failure);
        } finally {
            session.close(true);
        }
    }

    private static String reason(Throwable e) {
        if (e == null) {
            return "no answer";
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    /**
     * @param key        the host key, or null when the exchange failed
     * @param serverKeys the host key (signature) algorithms the server's KEXINIT named
     */
    private record Exchange(PublicKey key, List<String> serverKeys, String failure) {
        boolean serverHas(List<BuiltinSignatures> signatures) {
            return signatures.stream().anyMatch(s -> serverKeys.contains(s.getName()));
        }
    }
}
