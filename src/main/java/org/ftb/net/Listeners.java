package org.ftb.net;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;

/** Listening sockets of the address's own family. */
public final class Listeners {
    private Listeners() {
    }

    /**
     * An unbound listening socket for {@code address}. Java's default socket is IPv6 where the system has
     * IPv6, and there 0.0.0.0 is bound as {@code ::}, which takes IPv6 clients as well: a LISTEN of
     * 0.0.0.0 must mean IPv4 only, as written.
     */
    public static ServerSocketChannel open(InetAddress address) throws IOException {
        return ServerSocketChannel.open(address instanceof Inet4Address ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6);
    }
}
