package org.ftb.platform;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.OptionalInt;

/**
 * Which local user owns the far end of a TCP connection that comes from this same host: what tells
 * one batch job from another when both connect from the loopback address. Only some systems can say.
 */
public interface SocketOwners {
    /** A TCP connection to this host by its two ends: the client's address, and the one it connected to. */
    record Ends(InetSocketAddress client, InetSocketAddress server) {
    }

    /**
     * The user id that owns the socket at {@code client} connected to {@code server}, when that socket
     * is on this host and the system can tell; empty otherwise (a remote client, a socket its process
     * has closed, or no way to ask). A uid is Linux's unsigned 32 bits in an {@code int}: compare it with
     * {@code ==}, print it with {@link Integer#toUnsignedString(int)}. May read system files: call it off
     * the selector threads.
     *
     * @throws IOException when the system's tables could not be read: the owner is not known, which is
     *                     not the same as having none
     */
    default OptionalInt ownerOf(InetSocketAddress client, InetSocketAddress server) throws IOException {
        return ownersOf(List.of(new Ends(client, server))).get(0);
    }

    /**
     * {@link #ownerOf} for several connections at once, in their order, from one look at the system's
     * tables: one look can cost milliseconds whatever it finds.
     *
     * @throws IOException when the owner of any of them could not be read
     */
    List<OptionalInt> ownersOf(List<Ends> connections) throws IOException;

    /** True when {@link #ownerOf} can ever answer on this system. */
    boolean available();

    /** A system that cannot tell: every answer is empty. */
    SocketOwners NONE = new SocketOwners() {
        @Override
        public List<OptionalInt> ownersOf(List<Ends> connections) {
            return Collections.nCopies(connections.size(), OptionalInt.empty());
        }

        @Override
        public boolean available() {
            return false;
        }
    };

    /**
     * Linux's socket tables in {@code /proc/net} where they can be read; {@link #NONE} elsewhere,
     * including z/OS, whose SIOCGPARTNERINFO ioctl is out of a pure-Java program's reach.
     */
    static SocketOwners forThisSystem() {
        Path net = Path.of("/proc/net");
        return "Linux".equals(System.getProperty("os.name")) && Files.isReadable(net.resolve("tcp")) ? new ProcNetTcp(net) : NONE;
    }
}
