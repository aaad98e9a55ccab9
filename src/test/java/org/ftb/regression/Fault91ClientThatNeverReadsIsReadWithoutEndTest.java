package org.ftb.regression;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Break-it pass (breakit14): the broker's own answers to a client (534 for AUTH, PBSZ, PROT, CCC; 502
 * for PORT; 500 for an over-long line) were never paced by the client's reading.
 *
 * <p><b>Attack:</b> through SOCKS, an FTP control connection (any local user; AUTH(FTPLOGIN) needs no
 * login for this): {@code CCC\r\n} again and again, 5 bytes each, and never a byte read. A second
 * attack, once logged in: a command the server is slow to answer (here {@code NOOP}, never answered),
 * then the same flood.
 *
 * <p><b>Observed:</b> the broker reads the client as fast as it writes, and keeps every answer (about
 * 150 bytes for each 5 read) in the client's queue, which grows without bound: 4 MiB sent became some
 * 120 MiB of the broker's heap, and a few more seconds of it take the whole broker (every session)
 * down with OutOfMemoryError. The client's reading was resumed whenever the server's queue had room,
 * never looking at the client's own queue. Behind a reply still due, the commands the broker answers
 * itself wait in the session's command queue, which had no bound after the login either.
 *
 * <p><b>Correct:</b> the client is read again only once its own queue is below its high-water mark,
 * and, in every stage, not while {@code ControlSession.HELD_COMMANDS} commands wait: a client that does
 * not read its replies stops being read, and the kernel's buffers then stop its writes.
 */
@Timeout(120)
class Fault91ClientThatNeverReadsIsReadWithoutEndTest {
    /** What the client tries to send: {@code CCC\r\n} 838,860 times. */
    private static final int FLOOD = 4 * 1024 * 1024;
    /** Far above what the kernel's buffers and the broker's high-water marks hold once the broker stops reading. */
    private static final long BOUND = 2 * 1024 * 1024;

    @TempDir
    Path dir;
    private FtpRig rig;

    @BeforeEach
    void setUp() throws Exception {
        rig = FtpRig.start(dir);
    }

    @AfterEach
    void tearDown() throws Exception {
        rig.close();
    }

    @Test
    void aClientThatNeverReadsTheBrokersOwnAnswersStopsBeingRead() throws Exception {
        rig.broker("");
        try (FtpRig.Control c = rig.connect()) {
            assertThat(c.line()).startsWith("220 ");
            long written = flood(c);
            assertThat(written).as("bytes of CCC lines the broker let the client write without a byte read back").isLessThan(BOUND);
        }
        stillServes();
    }

    @Test
    void commandsHeldBehindAReplyStillDueStopTheClientBeingRead() throws Exception {
        rig.ftp.on("NOOP", (conversation, argument) -> {
            // never answered: every command the broker answers itself must wait for this reply
        });
        rig.broker("");
        try (FtpRig.Control c = rig.login()) {
            c.send("NOOP");
            assertThat(rig.ftp.awaitCommand("NOOP", Duration.ofSeconds(10))).isTrue();
            long written = flood(c);
            assertThat(written).as("bytes of CCC lines the broker took behind the NOOP still unanswered").isLessThan(BOUND);
        }
        stillServes();
    }

    /** Sends {@link #FLOOD} bytes of CCC lines, reading nothing; returns what was written within 5 s. */
    private static long flood(FtpRig.Control c) throws Exception {
        c.socket.setSendBufferSize(32 * 1024);
        byte[] block = "CCC\r\n".repeat(13107).getBytes(StandardCharsets.US_ASCII);
        AtomicLong written = new AtomicLong();
        OutputStream out = c.socket.getOutputStream();
        Thread writer = new Thread(() -> {
            try {
                while (written.get() < FLOOD) {
                    out.write(block);
                    written.addAndGet(block.length);
                }
            } catch (IOException e) {
                // the connection closed under the writer
            }
        }, "fault91-writer");
        writer.setDaemon(true);
        writer.start();
        writer.join(5000);
        long got = written.get();
        c.socket.setSoLinger(true, 0); // a reset: the writer ends, the session too
        return got;
    }

    /** The broker still serves a new session. */
    private void stillServes() throws Exception {
        try (FtpRig.Control c = rig.login()) {
            c.send("CCC");
            assertThat(c.line()).startsWith("534 ");
        }
    }
}
