package org.ftb.platform;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;

class ProcNetTcpTest {
    @TempDir
    Path dir;

    /** proc(5) lines as a little-endian Linux prints them: 127.0.0.1:40000 to 127.0.0.1:1080 of uid 1001, and an IPv4 client of an IPv6 socket. */
    @Test
    void findsTheOwnerOfTheClientsSocketInEitherTable() throws Exception {
        Assumptions.assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "the sample lines are little-endian");
        String heading = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode";
        Files.write(dir.resolve("tcp"), List.of(heading,
                "   0: 0100007F:0438 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 100 1 0 100 0 0 10 0",
                "   1: 0100007F:9C40 0100007F:0438 01 00000000:00000000 00:00000000 00000000  1001        0 101 1 0 20 4 30 10 -1",
                "   2: 0100007F:0438 0100007F:9C40 01 00000000:00000000 00:00000000 00000000     0        0 102 1 0 20 4 30 10 -1",
                "   3: 0100007F:9C42 0100007F:0438 06 00000000:00000000 03:00001770 00000000     0        0 0 3 0000000000000000",
                "   4: 0100007F:9C43 0100007F:0438 04 00000000:00000000 01:00000014 00000000  1001        0 0 2 0 20 4 30 10 -1"));
        Files.write(dir.resolve("tcp6"), List.of(heading,
                "   0: 0000000000000000FFFF00000100007F:9C41 0000000000000000FFFF00000100007F:0438 01 00000000:00000000 00:00000000 "
                        + "00000000  1002        0 103 1 0 20 4 30 10 -1"));
        ProcNetTcp owners = new ProcNetTcp(dir);
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        assertThat(owners.ownerOf(new InetSocketAddress(loopback, 40000), new InetSocketAddress(loopback, 1080))).hasValue(1001);
        assertThat(owners.ownerOf(new InetSocketAddress(loopback, 40001), new InetSocketAddress(loopback, 1080))).hasValue(1002);
        assertThat(owners.ownerOf(new InetSocketAddress(loopback, 40002), new InetSocketAddress(loopback, 1080))).isEmpty();
        assertThat(owners.ownerOf(new InetSocketAddress(loopback, 0x9C42), new InetSocketAddress(loopback, 1080)))
                .as("closed, in TIME_WAIT: uid 0 there is no one's").isEmpty();
        assertThat(owners.ownerOf(new InetSocketAddress(loopback, 0x9C43), new InetSocketAddress(loopback, 1080)))
                .as("closed, in FIN_WAIT1: its process has let it go").isEmpty();
        assertThat(owners.ownerOf(new InetSocketAddress(InetAddress.getByName("10.0.0.1"), 40000), new InetSocketAddress(loopback, 1080)))
                .as("a client on another host").isEmpty();
    }

    @Test
    void anUnreadableTableTellsNothing() {
        ProcNetTcp owners = new ProcNetTcp(dir.resolve("missing"));
        InetAddress loopback = InetAddress.getLoopbackAddress();
        assertThat(owners.ownerOf(new InetSocketAddress(loopback, 40000), new InetSocketAddress(loopback, 1080))).isEmpty();
    }

    /** On Linux, the real tables: a connection this JVM made is this process's user's. */
    @Test
    void aRealConnectionBelongsToThisProcesssUser() throws Exception {
        SocketOwners owners = SocketOwners.forThisSystem();
        Assumptions.assumeTrue(owners.available(), "Linux with /proc/net");
        int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
             Socket client = new Socket(InetAddress.getByName("127.0.0.1"), server.getLocalPort());
             Socket accepted = server.accept()) {
            OptionalInt owner = owners.ownerOf((InetSocketAddress) accepted.getRemoteSocketAddress(),
                    (InetSocketAddress) accepted.getLocalSocketAddress());
            assertThat(owner).hasValue(uid);
            assertThat(client.isConnected()).isTrue();
        }
    }
}
