package org.ftb.regression;

import org.ftb.platform.SocketOwners;
import org.ftb.testing.OtherUser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Break-it pass on b5dce7a: one pass of /proc/net/tcp now answers every connection asked about
 * meanwhile, the claimant's and the session's of one check, and those of every check that came while the
 * last pass ran.
 *
 * <p><b>Attack:</b> real connections to a listener of this test: one from a process of a local user whose
 * uid is above 2^31-1 (uid 2147483648 through setpriv), one of this JVM's own that the table lists after
 * it; both asked about in one {@code ownersOf}, as {@code ClientEnd.ownersWith} and concurrent data-port
 * checks do.
 *
 * <p><b>Observed:</b> the first connection's line makes {@code Integer.parseInt} throw (proc(5) prints
 * uids unsigned); the pass catches it as a RuntimeException and stops, so every connection not found
 * yet, here this JVM's own, is answered "unknown", like a socket of another host. In the broker an
 * unknown claimant passes against an unknown session owner (Fault72), and one user's socket changes the
 * answers of every other session's check that shares the pass. Before b5dce7a one look answered one
 * connection, and the odd line cost only its own.
 *
 * <p><b>Correct:</b> each connection gets its own answer whatever other lines hold: this JVM's is this
 * process's uid, and the other is uid 2147483648 (as the unsigned 32-bit value the kernel prints).
 */
@Timeout(60)
class Fault73OneOddLineLeavesTheWholePassUnansweredTest {
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void tearDown() {
        for (Process p : started) {
            p.destroyForcibly();
        }
    }

    @Test
    void anOwnerAbove2To31DoesNotTakeAwayTheAnswersOfTheOtherConnectionsInThePass() throws Exception {
        SocketOwners owners = SocketOwners.forThisSystem();
        Assumptions.assumeTrue(owners.available(), "Linux with /proc/net");
        Assumptions.assumeTrue(OtherUser.available() && Files.isExecutable(Path.of("/usr/bin/python3")),
                "needs root, setpriv and /usr/bin/python3 to act as another local user");
        int myUid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        List<Socket> open = new ArrayList<>();
        try (ServerSocket server = new ServerSocket(0, 50, loopback)) {
            Process holder = OtherUser.python(Fault72UidAbove2To31MakesEveryOwnerUnknownTest.HIGH_UID,
                    "import socket,sys\ns=socket.create_connection(('127.0.0.1',int(sys.argv[1])))\nprint(s.getsockname()[1],flush=True)\nsys.stdin.read()\n",
                    Integer.toString(server.getLocalPort()));
            started.add(holder);
            String printed = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            assertThat(printed).as("the other user's connection").isNotNull();
            Socket high = server.accept();
            open.add(high);
            assertThat(high.getPort()).isEqualTo(Integer.parseInt(printed.trim()));
            assertThat(position(high.getPort(), server.getLocalPort())).as("the other user's connection in /proc/net/tcp").isNotNegative();

            // A connection of this JVM that the tables list after the other user's (a pass reads tcp, then tcp6).
            Socket mine = null;
            for (int i = 0; i < 200 && mine == null; i++) {
                Socket client = new Socket(loopback, server.getLocalPort());
                Socket accepted = server.accept();
                open.add(client);
                open.add(accepted);
                if (position(accepted.getPort(), server.getLocalPort()) > position(high.getPort(), server.getLocalPort())) {
                    mine = accepted;
                }
            }
            assertThat(mine).as("a connection of this JVM listed after the other user's").isNotNull();

            List<OptionalInt> found = owners.ownersOf(List.of(ends(high), ends(mine)));

            assertThat(found.get(1)).as("the owner of this JVM's own connection, asked in the same pass").hasValue(myUid);
            assertThat(found.get(0)).as("the owner of the connection of uid 2147483648").isPresent();
            assertThat(Integer.toUnsignedString(found.get(0).getAsInt())).isEqualTo(Fault72UidAbove2To31MakesEveryOwnerUnknownTest.HIGH_UID);
        } finally {
            for (Socket s : open) {
                s.close();
            }
        }
    }

    /** The connection as the broker asks about it: the client's end, and the end it connected to. */
    private static SocketOwners.Ends ends(Socket accepted) {
        return new SocketOwners.Ends((InetSocketAddress) accepted.getRemoteSocketAddress(), (InetSocketAddress) accepted.getLocalSocketAddress());
    }

    /**
     * Where the client socket from {@code clientPort} to {@code serverPort} is in a pass's reading order:
     * tcp's lines, then tcp6's; -1 when it is in neither.
     */
    private static long position(int clientPort, int serverPort) throws IOException {
        String local = String.format(Locale.ROOT, ":%04X", clientPort);
        String remote = String.format(Locale.ROOT, ":%04X", serverPort);
        long at = 0;
        for (String table : new String[]{"tcp", "tcp6"}) {
            Path file = Path.of("/proc/net", table);
            if (!Files.isReadable(file)) {
                continue;
            }
            for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 2 && f[1].endsWith(local) && f[2].endsWith(remote)) {
                    return at;
                }
                at++;
            }
        }
        return -1;
    }
}
