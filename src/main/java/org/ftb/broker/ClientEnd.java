package org.ftb.broker;

import org.ftb.address.HostPort;
import org.ftb.platform.SocketOwners;
import org.ftb.socks.SocksServerHandshake;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.OptionalInt;

/**
 * Who is at the client's end of a connection, as the data-port owner check and the ways to the server
 * see it: its address, the broker's end, the SOCKS user it gave and, where the system can tell, the
 * local user that owns its socket. Read from any thread.
 */
final class ClientEnd {
    private final SocketChannel channel;
    private final SocksServerHandshake handshake;
    /** The local user of the client's socket, once known; null until then. */
    private volatile OptionalInt owner;

    ClientEnd(SocketChannel channel, SocksServerHandshake handshake) {
        this.channel = channel;
        this.handshake = handshake;
    }

    /** The client's address as canonical text. */
    String ip() {
        return HostPort.canonicalHost(address().getAddress().getHostAddress());
    }

    InetSocketAddress address() {
        try {
            return (InetSocketAddress) channel.getRemoteAddress();
        } catch (IOException e) {
            return new InetSocketAddress(0);
        }
    }

    /** The broker's end of the client's connection. */
    InetSocketAddress localAddress() {
        try {
            return (InetSocketAddress) channel.getLocalAddress();
        } catch (IOException e) {
            return new InetSocketAddress(0);
        }
    }

    /** The SOCKS user the client gave (SOCKS 5 user name, SOCKS 4 USERID), or empty. */
    String socksUser() {
        return handshake.user();
    }

    /** The client's connection as {@link SocketOwners} looks it up. */
    SocketOwners.Ends ends() {
        return new SocketOwners.Ends(address(), localAddress());
    }

    /**
     * The owners of {@code other}'s socket and of this client's (see {@link SocketOwners}), in that order,
     * from one look at the system's tables; this client's is kept once known, and then not looked up
     * again. May read system tables.
     *
     * @throws IOException when the system's tables could not be read
     */
    OptionalInt[] ownersWith(ClientEnd other, SocketOwners owners) throws IOException {
        OptionalInt known = owner;
        if (known != null) {
            return new OptionalInt[] {owners.ownerOf(other.address(), other.localAddress()), known};
        }
        List<OptionalInt> found = owners.ownersOf(List.of(other.ends(), ends()));
        if (found.get(1).isPresent()) {
            owner = found.get(1);
        }
        return found.toArray(OptionalInt[]::new);
    }
}
