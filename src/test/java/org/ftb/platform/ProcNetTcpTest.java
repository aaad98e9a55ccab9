package org.ftb.platform;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

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

    /** An owner that cannot be read is not known, which is not "none" (Fault74): the look fails. tcp6 alone may be missing (no IPv6). */
    @Test
    void anUnreadableTableIsAFailureNotAnAnswer() throws Exception {
        ProcNetTcp owners = new ProcNetTcp(dir.resolve("missing"));
        InetAddress loopback = InetAddress.getLoopbackAddress();
        assertThatThrownBy(() -> owners.ownerOf(new InetSocketAddress(loopback, 40000), new InetSocketAddress(loopback, 1080)))
                .isInstanceOf(IOException.class).hasMessageContaining("tcp");
        Files.write(dir.resolve("tcp"), List.of(HEADING));
        assertThat(new ProcNetTcp(dir).ownerOf(new InetSocketAddress(loopback, 40000), new InetSocketAddress(loopback, 1080)))
                .as("no tcp6 on a host without IPv6: not found in tcp is no owner").isEmpty();
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

    private static final String HEADING = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode";

    /** 127.0.0.1:port to 127.0.0.1:1080, of uid, as a little-endian Linux prints it. */
    private static String line(int port, int uid) {
        return String.format("   1: 0100007F:%04X 0100007F:0438 01 00000000:00000000 00:00000000 00000000  %d        0 %d 1 0 20 4 30 10 -1",
                port, uid, 100 + port);
    }

    private static SocketOwners.Ends ends(int port) throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        return new SocketOwners.Ends(new InetSocketAddress(loopback, port), new InetSocketAddress(loopback, 1080));
    }

    /** Several connections in one look, each answered in its place, from either table or none. */
    @Test
    void severalConnectionsAreAnsweredInTheirOrder() throws Exception {
        Assumptions.assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "the sample lines are little-endian");
        Files.write(dir.resolve("tcp"), List.of(HEADING, line(40000, 1001), line(40003, 1003)));
        Files.write(dir.resolve("tcp6"), List.of(HEADING,
                "   0: 0000000000000000FFFF00000100007F:9C41 0000000000000000FFFF00000100007F:0438 01 00000000:00000000 00:00000000 "
                        + "00000000  1002        0 103 1 0 20 4 30 10 -1"));
        assertThat(new ProcNetTcp(dir).ownersOf(List.of(ends(40003), ends(40002), ends(40001), ends(40000))))
                .containsExactly(OptionalInt.of(1003), OptionalInt.empty(), OptionalInt.of(1002), OptionalInt.of(1001));
    }

    /**
     * Reading a table costs milliseconds of the kernel's time however few sockets there are, so callers
     * that come while a look runs share the next one; and a look that began before a question is never
     * its answer (the socket asked about may be newer than that look). The table is a FIFO here, so that
     * each look waits until the test writes what it finds.
     */
    @Test
    void callersThatComeDuringALookShareTheNextOneAndNeverTakeTheEarlierOnesAnswer() throws Exception {
        Assumptions.assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "the sample lines are little-endian");
        Path table = dir.resolve("tcp");
        Assumptions.assumeTrue(new ProcessBuilder("mkfifo", table.toString()).start().waitFor() == 0, "mkfifo");
        ProcNetTcp owners = new ProcNetTcp(dir);
        ExecutorService callers = Executors.newFixedThreadPool(3);
        try {
            CompletableFuture<OutputStream> firstLook = CompletableFuture.supplyAsync(() -> open(table));
            Future<OptionalInt> first = callers.submit(() -> owners.ownerOf(ends(40000).client(), ends(40000).server()));
            OutputStream firstTable = firstLook.get(30, TimeUnit.SECONDS);
            List<Thread> waiting = new CopyOnWriteArrayList<>();
            Future<OptionalInt> second = callers.submit(() -> {
                waiting.add(Thread.currentThread());
                return owners.ownerOf(ends(40001).client(), ends(40001).server());
            });
            Future<List<OptionalInt>> third = callers.submit(() -> {
                waiting.add(Thread.currentThread());
                return owners.ownersOf(List.of(ends(40002), ends(40000)));
            });
            await().atMost(Duration.ofSeconds(30)).until(() -> waiting.size() == 2
                    && waiting.stream().allMatch(t -> t.getState() == Thread.State.WAITING));
            write(firstTable, List.of(HEADING, line(40000, 1000), line(40001, 1111), line(40002, 1111)));
            assertThat(first.get(30, TimeUnit.SECONDS)).hasValue(1000);
            assertThat(second.isDone()).as("the look that was running when it asked is not its answer").isFalse();

            write(open(table), List.of(HEADING, line(40000, 1000), line(40001, 1001), line(40002, 1002)));
            assertThat(second.get(30, TimeUnit.SECONDS)).as("answered by the second look").hasValue(1001);
            assertThat(third.get(30, TimeUnit.SECONDS)).as("answered by the same second look: no third one")
                    .containsExactly(OptionalInt.of(1002), OptionalInt.of(1000));
        } finally {
            callers.shutdownNow();
        }
    }

    /** Opens the FIFO for writing: returns once a look has opened it for reading. */
    private static OutputStream open(Path fifo) {
        try {
            return Files.newOutputStream(fifo);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(OutputStream table, List<String> lines) throws IOException {
        try (table) {
            table.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.US_ASCII));
        }
    }
}
