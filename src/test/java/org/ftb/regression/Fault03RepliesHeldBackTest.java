package org.ftb.regression;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 6, fault 3: the broker holds server replies back until it has read a whole reply, and gives
 * up (a reset) on long ones. It must pass reply lines through as they arrive, holding back only what
 * it rewrites (227/229); where a limit is hit, the client gets an FTP error reply and the log says why.
 * Every case runs through an FTPTUNNEL rule (SSH server and scripted FTP server both real).
 */
@Timeout(30)
class Fault03RepliesHeldBackTest {
    /** How long a line the server has sent may take to reach the client. */
    private static final Duration PROMPTLY = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    @Test
    void aStatReplyOf1500LinesReachesTheClientWholeAndTheSessionGoesOn() throws Exception {
        List<String> reply = new ArrayList<>();
        reply.add("211-Status of the scripted server");
        for (int i = 1; i <= 1500; i++) {
            reply.add(String.format(" line %04d of 1500: connected, logged in, TYPE I, STRU F, MODE S", i));
        }
        reply.add("211 End");
        try (FtpRig rig = FtpRig.start(dir)) {
            rig.ftp.on("STAT", String.join("\r\n", reply) + "\r\n");
            rig.broker("");
            try (FtpRig.Control c = rig.login()) {
                c.send("STAT");
                List<String> got = new ArrayList<>();
                for (int i = 0; i < reply.size(); i++) {
                    got.add(c.line());
                }
                assertThat(got).as("the 1,502-line STAT reply, whole and in order").isEqualTo(reply);
                c.send("NOOP");
                assertThat(c.line()).as("the session goes on after the long reply").isEqualTo("200 ok");
            }
        }
    }

    @Test
    void continuationLinesReachTheClientAsTheyComeAndAnyDddBlankLineEndsTheReply() throws Exception {
        byte[] content = "stored through the tunnel\n".getBytes(StandardCharsets.US_ASCII);
        CountDownLatch clientSawTheLines = new CountDownLatch(1);
        AtomicReference<byte[]> stored = new AtomicReference<>();
        try (FtpRig rig = FtpRig.start(dir)) {
            rig.ftp.on("STOR", (c, argument) -> {
                c.send("553-Checking the quota of " + argument + "\r\n553-still checking, please wait\r\n");
                // The server goes on only once the client has seen those lines (or gives up after a while).
                clientSawTheLines.await(15, TimeUnit.SECONDS);
                c.reply("150 Opening BINARY mode data connection for " + argument);
                stored.set(c.receiveData());
                c.reply("226 Transfer complete");
            });
            rig.broker("");
            try (FtpRig.Control c = rig.login()) {
                c.send("PASV");
                String pasv = c.line();
                assertThat(pasv).startsWith("227 ");
                int port = Fault04UnparsablePassiveReplyTest.pasvPort(pasv);
                try (Socket data = rig.socksData(Fault04UnparsablePassiveReplyTest.pasvAddress(pasv), port)) {
                    c.send("STOR quota.bin");
                    assertThat(c.line(PROMPTLY)).as("the first continuation line, while the server waits")
                            .isEqualTo("553-Checking the quota of quota.bin");
                    assertThat(c.line(PROMPTLY)).isEqualTo("553-still checking, please wait");
                    clientSawTheLines.countDown();
                    assertThat(c.line(PROMPTLY)).as("the 150 that ends the reply (any 'ddd ' line does)")
                            .isEqualTo("150 Opening BINARY mode data connection for quota.bin");
                    OutputStream out = data.getOutputStream();
                    out.write(content);
                    data.shutdownOutput();
                    assertThat(c.line()).isEqualTo("226 Transfer complete");
                }
                assertThat(stored.get()).isEqualTo(content);
                c.send("NOOP");
                assertThat(c.line()).isEqualTo("200 ok");
            } finally {
                clientSawTheLines.countDown();
            }
        }
    }

    @Test
    void a257ReplyLineOf10000CharactersReachesTheClientIntact() throws Exception {
        String head = "257 \"/";
        String tail = "\" is the current directory";
        StringBuilder path = new StringBuilder();
        for (int i = 0; path.length() < 10_000 - head.length() - tail.length(); i++) {
            path.append((char) ('a' + i % 26));
            if (i % 40 == 39 && path.length() < 10_000 - head.length() - tail.length()) {
                path.append('/');
            }
        }
        String line = head + path.substring(0, 10_000 - head.length() - tail.length()) + tail;
        assertThat(line).hasSize(10_000);
        try (FtpRig rig = FtpRig.start(dir)) {
            rig.ftp.on("PWD", line);
            rig.broker("");
            try (FtpRig.Control c = rig.login()) {
                c.send("PWD");
                assertThat(c.line()).as("the 10,000-character 257 line").isEqualTo(line);
                c.send("NOOP");
                assertThat(c.line()).isEqualTo("200 ok");
            }
        }
    }

    @Test
    void a227LineOver8KiBGetsAnFtpErrorReplyAndALoggedReasonNotASilentReset() throws Exception {
        try (FtpRig rig = FtpRig.start(dir)) {
            String oversized = "227 Entering Passive Mode (" + rig.ftp.pasvTuple("127.0.0.1") + ") " + "x".repeat(9_000);
            rig.ftp.on("PASV", oversized);
            rig.broker("");
            try (FtpRig.Control c = rig.login()) {
                c.send("PASV");
                String reply = c.line();
                assertThat(reply).as("an FTP error reply (4xx or 5xx) instead of the 9 KiB 227 line").matches("[45]\\d\\d[ -].*");
            }
            assertThat(rig.log.lines()).as("a message with an ID that says why")
                    .anyMatch(l -> l.matches("FTB\\d{4}[WE] .*") && !l.startsWith("FTB0200I"));
        }
    }
}
