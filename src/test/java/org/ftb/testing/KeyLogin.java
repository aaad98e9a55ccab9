package org.ftb.testing;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.util.net.SshdSocketAddress;

import java.io.IOException;
import java.security.KeyPair;

/** An SSH session logged in to a gateway on loopback with a key, trusting any host key; for the gateway's tests. */
public final class KeyLogin implements AutoCloseable {
    private static final long TIMEOUT_MILLIS = 10_000;
    private final SshClient client;
    private final ClientSession session;

    private KeyLogin(SshClient client, ClientSession session) {
        this.client = client;
        this.session = session;
    }

    /** @throws IOException when the gateway refuses the login */
    public static KeyLogin to(int port, String user, KeyPair key) throws IOException {
        SshClient client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
        client.start();
        try {
            ClientSession session = client.connect(user, "127.0.0.1", port).verify(TIMEOUT_MILLIS).getSession();
            session.addPublicKeyIdentity(key);
            session.auth().verify(TIMEOUT_MILLIS);
            return new KeyLogin(client, session);
        } catch (IOException | RuntimeException e) {
            client.stop();
            throw e;
        }
    }

    /**
     * Opens a direct-tcpip channel to {@code 127.0.0.1:port}, from a made-up client port.
     *
     * @throws IOException when the gateway refuses it
     */
    public void openTunnel(int port) throws IOException {
        session.createDirectTcpipChannel(new SshdSocketAddress("127.0.0.1", 1), new SshdSocketAddress("127.0.0.1", port))
                .open().verify(TIMEOUT_MILLIS);
    }

    @Override
    public void close() throws IOException {
        try {
            session.close();
        } finally {
            client.stop();
        }
    }
}
