package org.ftb.regression;

import org.ftb.gateway.Gateway;
import org.ftb.status.SessionView;
import org.ftb.testing.LogCapture;
import org.ftb.testing.TestBroker;
import org.ftb.testing.TestFtpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 6, fault 1: long transfers are cut. With {@code BROKER IDLETIMEOUT(5)} a transfer that lasts
 * 12 s while the client sends nothing on its control connection (no NOOPs) must complete: the client
 * gets 226, the data is intact and the control connection's audit record says result=OK. A session is
 * idle only when its control connection and all its data connections are idle.
 * <p>
 * Real parts throughout: Commons Net through the broker's SOCKS port, the embedded gateway (MINA SSH
 * server) and Apache FtpServer. The client reads (or writes) at a steady pace so that the data
 * connection carries bytes all along: each test checks that precondition on the broker's own view
 * of its data connection, so that a pass cannot come from a transfer that was idle too.
 * <p>
 * On a download the FTP server may send its 226 before the client has read everything (the buffers
 * between them hold several MB), so the control connection carries one reply somewhere in the 12 s.
 * Either quiet stretch, before it or after it, is then 6 s or more: longer than IDLETIMEOUT(5). A
 * broker that judges the control connection alone resets it there, and the client either never sees
 * its 226 or sees it and finds the session ended with result=IDLE.
 */
@Timeout(90)
class Fault01LongTransferTest {
    private static final int IDLE_TIMEOUT_SECONDS = 5;
    private static final Duration TRANSFER = Duration.ofSeconds(12);
    /** Large against the buffers between the FTP server and the client, so that data flows for the whole transfer. */
    private static final int FILE_SIZE = 24 * 1024 * 1024;
    /** Small client socket buffers keep the kernel from soaking up the transfer at the client's end. */
    private static final int CLIENT_SOCKET_BUFFER = 64 * 1024;
    /**
     * What a reader takes at full speed at the end. On Linux loopback the broker's socket towards the
     * client soaks up about 4 MiB (send-buffer autotuning with 64 KiB segments, whatever the client's
     * receive window), and the kernel wakes a writer only once a third of it is free: the broker moves
     * bytes each time the client has taken about 1.3 MB, and has nothing left to move once the rest
     * fits in that buffer. So the slow part runs at 0.8 MB/s or more and ends where FAST_TAIL is
     * still to come, and the broker moves bytes on the data connection every second or two.
     */
    private static final int FAST_TAIL = 5 * 1024 * 1024;

    @TempDir
    Path dir;
    private Path home;
    private LogCapture log;
    private TestFtpServer ftp;
    private Gateway gateway;
    private TestBroker broker;

    @BeforeEach
    void setUp() throws Exception {
        log = new LogCapture();
        // tmpfs where there is one: Java makes 58 000 directory entries there in well under a second, on ext4 in many.
        Path shm = Path.of("/dev/shm");
        home = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "ftb-fault01-")
                : Files.createDirectories(dir.resolve("home"));
        ftp = TestFtpServer.start(home, Rig.USER, Rig.PASSWORD);
        gateway = Rig.gateway(dir);
        broker = Rig.broker(dir, "BROKER IDLETIMEOUT(" + IDLE_TIMEOUT_SECONDS + ")", gateway.knownHostsLine(), gateway.port(), ftp.port());
    }

    @AfterEach
    void tearDown() throws Exception {
        broker.close();
        gateway.close();
        ftp.close();
        log.close();
        if (home != null && !home.startsWith(dir)) {
            try (var files = Files.walk(home)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Test
    void aSlowDownloadOutlastsTheIdleTimeout() throws Exception {
        byte[] content = randomBytes(FILE_SIZE, 1);
        Files.write(home.resolve("big.bin"), content);
        Rig.FtpClient client = slowClient();
        try (DataIdleProbe probe = new DataIdleProbe(broker)) {
            long start = System.nanoTime();
            ByteArrayOutputStream received = new ByteArrayOutputStream(FILE_SIZE);
            try (Socket data = client.openData("RETR", "big.bin")) {
                InputStream in = data.getInputStream();
                byte[] buffer = new byte[16 * 1024];
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    received.write(buffer, 0, n);
                    probe.dataFlowing();
                    pace(start, received.size(), FILE_SIZE - FAST_TAIL);
                }
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            String reply = Rig.completion(client);
            assertThat(reply).as("the control connection's reply after a %d s download with IDLETIMEOUT(%d) and no NOOPs; %s",
                    took.toSeconds(), IDLE_TIMEOUT_SECONDS, brokerSaid()).startsWith("226");
            assertThat(Rig.sha256(received.toByteArray())).as("SHA-256 of the %d bytes received", received.size())
                    .isEqualTo(Rig.sha256(content));
            assertTransferOutlastedTheTimeout(took, probe);
        } finally {
            quit(client);
        }
        assertControlEndedOk();
    }

    @Test
    void aSlowUploadOutlastsTheIdleTimeout() throws Exception {
        byte[] content = randomBytes(FILE_SIZE, 2);
        Rig.FtpClient client = slowClient();
        try (DataIdleProbe probe = new DataIdleProbe(broker)) {
            long start = System.nanoTime();
            try (Socket data = client.openData("STOR", "up.bin")) {
                OutputStream out = data.getOutputStream();
                int chunk = 16 * 1024;
                for (int sent = 0; sent < content.length; sent += chunk) {
                    out.write(content, sent, Math.min(chunk, content.length - sent));
                    probe.dataFlowing();
                    pace(start, sent + chunk, FILE_SIZE);
                }
                out.flush();
                data.shutdownOutput();
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            String reply = Rig.completion(client);
            assertThat(reply).as("the control connection's reply after a %d s upload with IDLETIMEOUT(%d) and no NOOPs; %s",
                    took.toSeconds(), IDLE_TIMEOUT_SECONDS, brokerSaid()).startsWith("226");
            assertThat(Rig.sha256(Files.readAllBytes(home.resolve("up.bin")))).as("SHA-256 of the file the FTP server stored")
                    .isEqualTo(Rig.sha256(content));
            assertTransferOutlastedTheTimeout(took, probe);
        } finally {
            quit(client);
        }
        assertControlEndedOk();
    }

    @Test
    void aSlowListingOfALargeDirectoryOutlastsTheIdleTimeout() throws Exception {
        Path many = Files.createDirectories(home.resolve("many"));
        // About 15 MB of NLST output: 58 000 names of 255 characters. NLST, unlike LIST, costs the server no stat() per
        // entry, so the first byte comes soon; the size keeps the broker itself moving bytes all along (see FAST_TAIL).
        int files = 58_000;
        String padding = "x".repeat(240);
        for (int i = 0; i < files; i++) {
            Files.createFile(many.resolve(String.format("file-%05d-%s.dat", i, padding)));
        }
        Rig.FtpClient client = slowClient();
        try {
            // A first listing at full speed gives the expected bytes; the slow one must deliver the same.
            byte[] expected;
            try (Socket data = client.openData("NLST", "many")) {
                expected = data.getInputStream().readAllBytes();
            }
            assertThat(Rig.completion(client)).as("the fast listing").startsWith("226");
            String text = new String(expected, StandardCharsets.US_ASCII);
            assertThat(text.lines().filter(l -> l.contains("-" + padding + ".dat")).count()).as("lines of the fast listing")
                    .isEqualTo(files);
            assertThat(expected.length).as("test precondition: the listing is far larger than what the reader takes fast at the end")
                    .isGreaterThan(FAST_TAIL + 3 * 1024 * 1024 / 2);
            try (DataIdleProbe probe = new DataIdleProbe(broker)) {
                long start = System.nanoTime();
                ByteArrayOutputStream received = new ByteArrayOutputStream(expected.length);
                try (Socket data = client.openData("NLST", "many")) {
                    InputStream in = data.getInputStream();
                    byte[] buffer = new byte[4 * 1024];
                    int n;
                    while ((n = in.read(buffer)) >= 0) {
                        received.write(buffer, 0, n);
                        probe.dataFlowing();
                        pace(start, received.size(), expected.length - FAST_TAIL);
                    }
                }
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                String reply = Rig.completion(client);
                assertThat(reply).as("the control connection's reply after a %d s listing of %d bytes with IDLETIMEOUT(%d) and no NOOPs; %s",
                        took.toSeconds(), expected.length, IDLE_TIMEOUT_SECONDS, brokerSaid()).startsWith("226");
                assertThat(Rig.sha256(received.toByteArray())).as("SHA-256 of the %d listing bytes received", received.size())
                        .isEqualTo(Rig.sha256(expected));
                assertTransferOutlastedTheTimeout(took, probe);
            }
        } finally {
            quit(client);
        }
        assertControlEndedOk();
    }

    // ---- helpers ----

    private Rig.FtpClient slowClient() throws IOException {
        Rig.FtpClient client = Rig.login(broker, ftp.port());
        client.setControlKeepAliveTimeout(Duration.ZERO); // no NOOPs: the control connection stays silent
        client.setReceieveDataSocketBufferSize(CLIENT_SOCKET_BUFFER);
        client.setSendDataSocketBufferSize(CLIENT_SOCKET_BUFFER);
        return client;
    }

    /**
     * Holds the client back to a steady pace: the first {@code slowBytes} take {@code TRANSFER}, byte
     * {@code done} being due {@code TRANSFER * done / slowBytes} after {@code start}; anything after
     * them goes at full speed. This is the slow client under test, not a wait for a condition.
     */
    private static void pace(long start, long done, long slowBytes) {
        if (done >= slowBytes) {
            return;
        }
        long due = start + TRANSFER.toNanos() * done / slowBytes;
        long wait;
        while ((wait = due - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
        }
    }

    /** The transfer really outlasted the idle timeout, with its data connection busy all along. */
    private static void assertTransferOutlastedTheTimeout(Duration took, DataIdleProbe probe) {
        assertThat(took).as("test precondition: the transfer outlasted IDLETIMEOUT(%d) by far", IDLE_TIMEOUT_SECONDS)
                .isGreaterThan(Duration.ofSeconds(2L * IDLE_TIMEOUT_SECONDS));
        assertThat(probe.sawData()).as("test precondition: the broker's data connection was seen").isTrue();
        assertThat(probe.maxIdle()).as("test precondition: the broker's data connection carried bytes at least every %d s",
                IDLE_TIMEOUT_SECONDS - 2).isLessThan(Duration.ofSeconds(IDLE_TIMEOUT_SECONDS - 2));
    }

    private void quit(Rig.FtpClient client) {
        try {
            client.logout();
        } catch (IOException e) {
            // the control connection is gone already: the assertions say why
        }
        try {
            client.disconnect();
        } catch (IOException e) {
            // as above
        }
    }

    private void assertControlEndedOk() {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(Rig.controlRecord(log))
                .as("the control connection's audit record").isPresent());
        assertThat(Rig.controlRecord(log).orElseThrow()).as("the control connection's audit record").contains("result=OK");
    }

    /** What the broker logged about idle connections and control connections that ended, for failure messages. */
    private String brokerSaid() {
        return "broker log: " + log.lines().stream().filter(l -> l.startsWith("FTB0207I")
                || l.startsWith("FTB0200I") && l.contains("action=FTPTUNNEL")).toList();
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /**
     * Samples the broker's view of its FTP data connections while a transfer runs and keeps the
     * longest time one of them went without a byte.
     */
    private static final class DataIdleProbe implements AutoCloseable {
        private final Thread thread;
        private final AtomicLong maxIdleNanos = new AtomicLong();
        private volatile boolean seen;
        private volatile boolean running = true;
        private volatile boolean flowing;

        DataIdleProbe(TestBroker broker) {
            thread = new Thread(() -> {
                while (running) {
                    for (SessionView view : broker.broker().status().sessions()) {
                        if (flowing && view.action().startsWith("FTPDATA")) {
                            seen = true;
                            maxIdleNanos.accumulateAndGet(view.idle().toNanos(), Math::max);
                        }
                    }
                    LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
                }
            }, "data-idle-probe");
            thread.setDaemon(true);
            thread.start();
        }

        /**
         * The first bytes reached the client: from here on the data connection must keep moving. How long
         * the FTP server takes to produce its first byte (a listing of a large directory on a loaded
         * machine) is the server's, not the broker's.
         */
        void dataFlowing() {
            flowing = true;
        }

        boolean sawData() {
            return seen;
        }

        Duration maxIdle() {
            return Duration.ofNanos(maxIdleNanos.get());
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(5_000);
        }
    }
}
