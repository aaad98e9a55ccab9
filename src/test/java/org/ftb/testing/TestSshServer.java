package org.ftb.testing;

import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelListener;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.forward.DirectTcpipFactory;
import org.apache.sshd.server.forward.RejectAllForwardingFilter;
import org.apache.sshd.server.forward.AcceptAllForwardingFilter;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real MINA SSH server on loopback that allows only direct-tcpip, for tunnel tests: users log in
 * with a password or with the test client key. Counts the SSH connections it accepts and the tunnels
 * (direct-tcpip channels) it opens.
 */
public final class TestSshServer implements AutoCloseable {
    private final SshServer server;
    private final KeyPair hostKey;
    private final AtomicInteger sessions = new AtomicInteger();
    private final AtomicInteger tunnels = new AtomicInteger();
    private final List<Channel> openChannels = new CopyOnWriteArrayList<>();

    private TestSshServer(SshServer server, KeyPair hostKey) {
        this.server = server;
        this.hostKey = hostKey;
    }

    /**
     * @param passwords    user → password for password and keyboard-interactive logins
     * @param clientKey    the public key allowed for public-key logins (any user), or null
     * @param allowTunnels false to refuse every direct-tcpip channel (administratively prohibited)
     */
    public static TestSshServer start(Path dir, Map<String, String> passwords, PublicKey clientKey, boolean allowTunnels)
            throws IOException {
        SimpleGeneratorHostKeyProvider hostKeys = new SimpleGeneratorHostKeyProvider(dir.resolve("hostkey-" + System.nanoTime()));
        return start(List.of(hostKeys.loadKeys(null).iterator().next()), passwords, clientKey, allowTunnels);
    }

    /** As {@link #start(Path, Map, PublicKey, boolean)}, with these host keys (one of each type) instead of one generated. */
    public static TestSshServer start(List<KeyPair> hostKeys, Map<String, String> passwords, PublicKey clientKey, boolean allowTunnels)
            throws IOException {
        SshServer server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(KeyPairProvider.wrap(hostKeys));
        // DSA as well, which MINA no longer offers by default: a DSA host key stands for a key type the broker does not accept.
        List<org.apache.sshd.common.NamedFactory<org.apache.sshd.common.signature.Signature>> signatures =
                new java.util.ArrayList<>(server.getSignatureFactories());
        signatures.add(org.apache.sshd.common.signature.BuiltinSignatures.dsa);
        server.setSignatureFactories(signatures);
        server.setPasswordAuthenticator((user, password, session) -> password.equals(passwords.get(user)));
        server.setPublickeyAuthenticator(clientKey == null ? null : (user, key, session) -> key.equals(clientKey));
        server.setChannelFactories(List.of(DirectTcpipFactory.INSTANCE));
        server.setForwardingFilter(allowTunnels ? AcceptAllForwardingFilter.INSTANCE : RejectAllForwardingFilter.INSTANCE);
        TestSshServer test = new TestSshServer(server, hostKeys.get(0));
        server.addSessionListener(new org.apache.sshd.common.session.SessionListener() {
            @Override
            public void sessionCreated(org.apache.sshd.common.session.Session session) {
                test.sessions.incrementAndGet();
            }
        });
        server.addChannelListener(new ChannelListener() {
            @Override
            public void channelOpenSuccess(Channel channel) {
                test.tunnels.incrementAndGet();
                test.openChannels.add(channel);
            }

            @Override
            public void channelClosed(Channel channel, Throwable reason) {
                test.openChannels.remove(channel);
            }
        });
        server.start();
        return test;
    }

    /** A new host key of an OpenSSH type: ssh-ed25519, ecdsa-sha2-nistp256/384/521 or ssh-rsa (2048 bits: quick to make). */
    public static KeyPair newHostKey(String type) throws java.security.GeneralSecurityException {
        int bits = switch (type) {
            case "ssh-ed25519" -> 256;
            case "ecdsa-sha2-nistp256" -> 256;
            case "ecdsa-sha2-nistp384" -> 384;
            case "ecdsa-sha2-nistp521" -> 521;
            case "ssh-rsa" -> 2048;
            default -> throw new IllegalArgumentException(type);
        };
        return org.apache.sshd.common.config.keys.KeyUtils.generateKeyPair(type, bits);
    }

    public int port() {
        return server.getPort();
    }

    public int sessionsCreated() {
        return sessions.get();
    }

    /** Tunnels (direct-tcpip channels, the only kind this server allows) opened since start. */
    public int tunnelsOpened() {
        return tunnels.get();
    }

    /**
     * The receive window each open channel's client granted in its SSH_MSG_CHANNEL_OPEN (RFC 4254 5.1, initial window
     * size): the bytes this server may send on it before the client has passed any on.
     */
    public List<Long> openChannelWindows() {
        return openChannels.stream().map(c -> c.getRemoteWindow().getMaxSize()).toList();
    }

    public int activeSessions() {
        return server.getActiveSessions().size();
    }

    /**
     * Ends every open channel with SSH_MSG_CHANNEL_CLOSE and no SSH_MSG_CHANNEL_EOF before it, as an SSH
     * server does that passes a broken destination on as a broken channel (MINA's and OpenSSH's own
     * servers send EOF first even when the destination reset). Returns how many channels it closed.
     */
    public int closeChannelsWithoutEof() throws IOException {
        int n = 0;
        for (Channel channel : openChannels) {
            Session session = channel.getSession();
            Buffer close = session.createBuffer(SshConstants.SSH_MSG_CHANNEL_CLOSE, Long.BYTES);
            close.putUInt(channel.getRecipient());
            session.writePacket(close);
            channel.close(true); // locally, at once: nothing more is sent for this channel, no EOF
            openChannels.remove(channel);
            n++;
        }
        return n;
    }

    /** A known_hosts line for this server, as OpenSSH writes it for a non-22 port. */
    public String knownHostsLine() {
        return "[127.0.0.1]:" + port() + " " + PublicKeyEntry.toString(hostKey.getPublic());
    }

    /** Writes a key pair as an unencrypted PKCS#8 PEM file, which MINA and OpenSSH both read. */
    public static KeyPair writeRsaKey(Path file) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pair.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        writeSecret(file, pem);
        return pair;
    }

    /** Writes a key or passphrase file owner-only, as the broker and the gateway require of them. */
    public static void writeSecret(Path file, String text) throws IOException {
        Files.writeString(file, text);
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        }
    }

    @Override
    public void close() throws IOException {
        server.stop(true);
    }

}
