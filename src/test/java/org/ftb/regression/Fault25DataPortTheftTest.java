package org.ftb.regression;

import org.ftb.auth.UserDirectory;
import org.ftb.gateway.Gateway;
import org.ftb.testing.Bytes;
import org.ftb.testing.LogCapture;
import org.ftb.testing.SocksClient;
import org.ftb.testing.TestBroker;
import org.ftb.testing.TestFtpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
    private static final int FILE_BYTES = 3 * 1024 * 1024;
    /** The uid and gid of "nobody" on Debian: another local user than the test's. */
    private static final String OTHER_USER = "65534";

    @TempDir
    Path dir;
    private final LogCapture log = new LogCapture();
    private final byte[] content = new byte[FILE_BYTES];
    private Path home;
    private TestFtpServer ftp;
    private Gateway gateway;
    private TestBroker broker;

    private void start(String socksStatement) throws Exception {
        new Random(25).nextBytes(content);
        home = Files.createDirectories(dir.resolve("home"));
        Files.write(home.resolve("victim.bin"), content);
        ftp = TestFtpServer.start(home, Rig.USER, Rig.PASSWORD);
        gateway = Rig.gateway(dir);
        broker = Rig.broker(dir, socksStatement, gateway.knownHostsLine(), gateway.port(), ftp.port());
    }

    @AfterEach
    void tearDown() throws Exception {
        if (broker != null) {
            broker.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (ftp != null) {
            ftp.close();
        }
        log.close();
    }

    /** A second SOCKS user, and a plain connect() without any SOCKS login, both on the same local user as the victim. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"download", "upload"})
    void anotherSocksUserAndAPlainConnectCannotTakeTheDataPort(String direction) throws Exception {
        Path users = dir.resolve("socks-users");
        Files.write(users, List.of(UserDirectory.entry("alice", "alice-Pw1".toCharArray(), 10_000),
                UserDirectory.entry("mallory", "mallory-Pw1".toCharArray(), 10_000)));
        start("SOCKS VERSIONS(5) AUTH(USERPASS) USERS('" + users + "')");
        try (FtpRig.Control victim = new FtpRig.Control(socks("alice", ftp.port()))) {
            int port = loginAndPasv(victim);

            Socket other = SocksClient.open(broker.port());
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
        Assumptions.assumeTrue(isRoot() && Files.isExecutable(Path.of("/usr/bin/setpriv")),
                "needs root and setpriv to act as another local user");
        start("");
        try (FtpRig.Control victim = new FtpRig.Control(socks(null, ftp.port()))) {
            int port = loginAndPasv(victim);
            String write = direction.equals("upload") ? "printf 'STOLEN-BYTES' >&3; " : "";

            byte[] plain = asOtherUser("exec 3<>/dev/tcp/127.0.0.1/" + port + " || exit 9; " + write + "timeout 10 cat <&3");
            assertThat(plain).as("what the other user read straight from the port").isEmpty();
            awaitRefusal(port, "local user id " + OTHER_USER + " is not the session's 0");

            String request = String.format("\\x04\\x01\\x%02x\\x%02x\\x7f\\x00\\x00\\x01\\x00", port >> 8, port & 0xFF);
            byte[] socks = asOtherUser("exec 3<>/dev/tcp/127.0.0.1/" + broker.port() + " || exit 9; printf '" + request + "' >&3; "
                    + write + "timeout 10 cat <&3");
            assertThat(socks).as("what the other user read through SOCKS 4").hasSize(8);
            assertThat(socks[1]).as("SOCKS 4 reply code").isEqualTo((byte) 91);
            await().atMost(Duration.ofSeconds(10)).until(() -> refusals(port) >= 2);

            transfer(victim, direction, socks(null, port));
        }
    }

    /** Logged in through the broker, binary; returns the data port of the broker's 227. */
    private static int loginAndPasv(FtpRig.Control victim) throws IOException {
        assertThat(victim.line()).startsWith("220 ");
        victim.send("USER " + Rig.USER);
        assertThat(victim.line()).startsWith("331");
        victim.send("PASS " + Rig.PASSWORD);
        assertThat(victim.line()).startsWith("230");
        victim.send("TYPE I");
        assertThat(victim.line()).startsWith("200");
        victim.send("PASV");
        String pasv = victim.line();
        Matcher m = Pattern.compile("\\((\\d+),(\\d+),(\\d+),(\\d+),(\\d+),(\\d+)\\)").matcher(pasv);
        assertThat(m.find()).as(pasv).isTrue();
        return Integer.parseInt(m.group(5)) * 256 + Integer.parseInt(m.group(6));
    }

    /** The owner's own transfer on the port the thief tried: the exact bytes, both ways. */
    private void transfer(FtpRig.Control victim, String direction, Socket data) throws Exception {
        try (data) {
            if (direction.equals("download")) {
                victim.send("RETR victim.bin");
                assertThat(victim.line()).startsWith("150");
                assertThat(Rig.sha256(data.getInputStream().readAllBytes())).isEqualTo(Rig.sha256(content));
            } else {
                victim.send("STOR upload.bin");
                assertThat(victim.line()).startsWith("150");
                OutputStream out = data.getOutputStream();
                out.write(content);
                out.flush();
                data.shutdownOutput();
                data.getInputStream().readAllBytes();
            }
        }
        assertThat(victim.line()).startsWith("226");
        if (direction.equals("upload")) {
            assertThat(Rig.sha256(Files.readAllBytes(home.resolve("upload.bin")))).isEqualTo(Rig.sha256(content));
        }
    }

    /** A SOCKS 5 connection through the broker to 127.0.0.1:port, logged in as {@code user} when one is given. */
    private Socket socks(String user, int port) throws IOException {
        Socket s = SocksClient.open(broker.port());
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
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(log.withId("FTB0231W"))
                .anyMatch(l -> l.contains("data port " + port + " refused") && l.contains(reason)));
    }

    private long refusals(int port) {
        return log.withId("FTB0231W").stream().filter(l -> l.contains("data port " + port + " refused")).count();
    }

    private static byte[] asOtherUser(String script) throws Exception {
        Process p = new ProcessBuilder("setpriv", "--reuid=" + OTHER_USER, "--regid=" + OTHER_USER, "--clear-groups", "bash", "-c", script)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (InputStream out = p.getInputStream()) {
            byte[] read = out.readAllBytes();
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
            return read;
        }
    }

    private static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }
}
