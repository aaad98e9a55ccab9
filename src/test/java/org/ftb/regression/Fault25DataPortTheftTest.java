package org.ftb.regression;

import org.ftb.auth.UserDirectory;
import org.ftb.testing.Bytes;
import org.ftb.testing.SocksClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Security finding: every batch job connects from the loopback address, so another local user could
 * take a session's announced data port, through SOCKS or with a plain connect(), and read the file or
 * have the server store its bytes. Here the thief always comes first; it must be refused with FTB0231W
 * and the owner's transfer must go through intact on the same port.
 */
@Timeout(120)
class Fault25DataPortTheftTest {
    @TempDir
    Path dir;
    private DataPortRig rig;

    @AfterEach
    void tearDown() throws Exception {
        if (rig != null) {
            rig.close();
        }
    }

    /** A second SOCKS user, and a plain connect() without any SOCKS login, both on the same local user as the victim. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"download", "upload"})
    void anotherSocksUserAndAPlainConnectCannotTakeTheDataPort(String direction) throws Exception {
        Path users = dir.resolve("socks-users");
        Files.write(users, List.of(UserDirectory.entry("alice", "alice-Pw1".toCharArray(), 10_000),
                UserDirectory.entry("mallory", "mallory-Pw1".toCharArray(), 10_000)));
        rig = new DataPortRig(dir, 3 * 1024 * 1024, "SOCKS VERSIONS(5) AUTH(USERPASS) USERS('" + users + "')", "");
        try (FtpRig.Control victim = new FtpRig.Control(socks("alice", rig.ftp.port()))) {
            int port = DataPortRig.loginAndPasv(victim);

            Socket other = SocksClient.open(rig.broker.port());
            byte[] reply = SocksClient.v5Login(other, "mallory", "mallory-Pw1", Bytes.v5Ipv4(1, SocksClient.loopback(), port));
            assertThat(reply[1]).as("SOCKS reply to another SOCKS user").isEqualTo((byte) 2);
            assertThat(other.getInputStream().readAllBytes()).isEmpty();
            other.close();
            awaitRefusal(port, "SOCKS user 'mallory' is not the session's 'alice'");

            try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), port)) {
                plain.setSoTimeout(10_000);
                assertThat(readOrReset(plain, direction.equals("upload"))).isEmpty();
            }
            awaitRefusal(port, "not through SOCKS");

            transfer(victim, direction, socks("alice", port));
        }
    }

    /**
     * Another local user (uid 65534) with no credentials at all: a plain connect() to the port and a
     * SOCKS 4 CONNECT to it, both from bash's /dev/tcp. Needs root to become that user.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"download", "upload"})
    void anotherLocalUserCannotTakeTheDataPort(String direction) throws Exception {
        Assumptions.assumeTrue(DataPortRig.canActAsOtherUser(), "needs root and setpriv to act as another local user");
        rig = new DataPortRig(dir, 3 * 1024 * 1024, "", "");
        try (FtpRig.Control victim = new FtpRig.Control(socks(null, rig.ftp.port()))) {
            int port = DataPortRig.loginAndPasv(victim);
            String write = direction.equals("upload") ? "printf 'STOLEN-BYTES' >&3; " : "";

            byte[] plain = DataPortRig.asOtherUser("bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/" + port + " || exit 9; " + write + "timeout 10 cat <&3");
            assertThat(plain).as("what the other user read straight from the port").isEmpty();
            awaitRefusal(port, "local user id " + DataPortRig.OTHER_USER + " is not the session's 0");

            String request = String.format("\\x04\\x01\\x%02x\\x%02x\\x7f\\x00\\x00\\x01\\x00", port >> 8, port & 0xFF);
            byte[] socks = DataPortRig.asOtherUser("bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/" + rig.broker.port() + " || exit 9; printf '" + request + "' >&3; "
                    + write + "timeout 10 cat <&3");
            assertThat(socks).as("what the other user read through SOCKS 4").hasSize(8);
            assertThat(socks[1]).as("SOCKS 4 reply code").isEqualTo((byte) 91);
            await().atMost(Duration.ofSeconds(10)).until(() -> refusals(port) >= 2);

            transfer(victim, direction, socks(null, port));
        }
    }

    /** The owner's own transfer on the port the thief tried: the exact bytes, both ways. */
    private void transfer(FtpRig.Control victim, String direction, Socket data) throws Exception {
        try (data) {
            if (direction.equals("download")) {
                victim.send("RETR victim.bin");
                assertThat(victim.line()).startsWith("150");
                assertThat(Rig.sha256(data.getInputStream().readAllBytes())).isEqualTo(Rig.sha256(rig.content));
            } else {
                victim.send("STOR upload.bin");
                assertThat(victim.line()).startsWith("150");
                OutputStream out = data.getOutputStream();
                out.write(rig.content);
                out.flush();
                data.shutdownOutput();
                data.getInputStream().readAllBytes();
            }
        }
        assertThat(victim.line()).startsWith("226");
        if (direction.equals("upload")) {
            assertThat(Rig.sha256(Files.readAllBytes(rig.home.resolve("upload.bin")))).isEqualTo(Rig.sha256(rig.content));
        }
    }

    /** A SOCKS 5 connection through the broker to 127.0.0.1:port, logged in as {@code user} when one is given. */
    private Socket socks(String user, int port) throws IOException {
        Socket s = SocksClient.open(rig.broker.port());
        byte[] request = Bytes.v5Ipv4(1, SocksClient.loopback(), port);
        byte[] reply = user == null ? SocksClient.v5(s, request) : SocksClient.v5Login(s, user, user + "-Pw1", request);
        assertThat(reply).as("SOCKS reply for port %d", port).startsWith(5, 0);
        return s;
    }

    /** What a refused thief gets: nothing, then the end or a reset. */
    private static byte[] readOrReset(Socket s, boolean writeFirst) throws IOException {
        try {
            if (writeFirst) {
                s.getOutputStream().write("STOLEN-BYTES".getBytes(StandardCharsets.US_ASCII));
            }
            return s.getInputStream().readAllBytes();
        } catch (java.net.SocketException e) {
            return new byte[0];
        }
    }

    private void awaitRefusal(int port, String reason) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(rig.log.withId("FTB0231W"))
                .anyMatch(l -> l.contains("data port " + port + " refused") && l.contains(reason)));
    }

    private long refusals(int port) {
        return rig.log.withId("FTB0231W").stream().filter(l -> l.contains("data port " + port + " refused")).count();
    }
}
