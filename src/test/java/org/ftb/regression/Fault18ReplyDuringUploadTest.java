package org.ftb.regression;

import org.ftb.gateway.Gateway;
import org.ftb.testing.LogCapture;
import org.ftb.testing.TestBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Found by the third break-it pass on the held uploads, against pyftpdlib 1.5.7 through OpenSSH sshd:
 * a server that reads the control connection during a transfer answers NOOP, STAT (RFC 959 4.1.3: "If
 * this command is given during a file transfer, the server will respond with the status of the
 * operation in progress") or PASV at once, before its final reply to the store. The broker counts
 * replies in command order (ftp.RepliesDue), so it takes that 200/211/227 for the store's answer and
 * believes no store is in progress. When the client then resets the upload's data connection, the
 * channel is closed at once instead of held (no FTB0242W, no ABOR): the server sees a clean end of
 * file, answers "226 Transfer complete" and keeps the partial file (pyftpdlib: on_file_received,
 * "COMPLETE"). Without the broker the server sees the reset and fails the upload.
 *
 * <p>The server here behaves like pyftpdlib: commands are answered during a transfer, which runs on
 * its own thread; the store is answered 226 on a clean end of the data, 426 on a reset, and ABOR
 * during a transfer closes it (426 to the store, 226 to the ABOR).
 */
@Timeout(120)
class Fault18ReplyDuringUploadTest {

    @TempDir
    Path dir;

    /** NOOP during the upload (a keep-alive), answered at once; then the client resets the upload. */
    @Test
    void aNoopAnsweredDuringTheUploadDoesNotEndTheStoreForTheBroker() throws Exception {
        brokenAfter("NOOP");
    }

    /** STAT during the upload, as RFC 959 allows, answered at once; then the client resets the upload. */
    @Test
    void aStatAnsweredDuringTheUploadDoesNotEndTheStoreForTheBroker() throws Exception {
        brokenAfter("STAT");
    }

    private void brokenAfter(String command) throws Exception {
        try (LogCapture log = new LogCapture(); ConcurrentServer ftp = new ConcurrentServer(); Gateway gateway = Rig.gateway(dir);
             TestBroker broker = Rig.broker(dir, "BROKER IDLETIMEOUT(60)", gateway.knownHostsLine(), gateway.port(), ftp.port())) {
            Rig.FtpClient client = Rig.login(broker, ftp.port());
            try {
                Socket data = client.openData("STOR", "upload.bin");
                Rig.send(data, 16);
                await().atMost(Duration.ofSeconds(10)).until(() -> ftp.received >= 16L * Rig.CHUNK_BYTES);
                int code = client.sendCommand(command);
                assertThat(code).as("%s during the transfer", command).isBetween(200, 299);
                Rig.send(data, 4);
                data.setSoLinger(true, 0);
                data.close();
                await().atMost(Duration.ofSeconds(30)).until(() -> ftp.dataEnd != null);
                assertThat(ftp.dataEnd).as("how the server's data connection ended (server saw %s; log: %s)", ftp.commands,
                        log.withId("FTB024")).doesNotStartWith("CLEAN");
            } finally {
                client.disconnect();
            }
        }
    }

    /** An upload server that, like pyftpdlib, reads and answers commands while a transfer runs. */
    static final class ConcurrentServer extends LineFtpServer {
        private final ServerSocket passive = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final List<String> commands = new CopyOnWriteArrayList<>();
        volatile String dataEnd;
        volatile long received;
        private volatile Socket data;
        private volatile Thread transfer;
        private volatile boolean aborted;

        ConcurrentServer() throws IOException {
            passive.setSoTimeout(15_000);
            start("concurrent-ftp");
        }

        @Override
        void serve(Socket control) {
            try (control) {
                BufferedReader in = new BufferedReader(new InputStreamReader(control.getInputStream(), StandardCharsets.ISO_8859_1));
                OutputStream out = control.getOutputStream();
                reply(out, "220 concurrent server ready");
                String line;
                while ((line = in.readLine()) != null) {
                    commands.add(line);
                    String verb = line.split(" ", 2)[0].toUpperCase(Locale.ROOT);
                    Thread running = transfer;
                    boolean busy = running != null && running.isAlive();
                    switch (verb) {
                        case "USER" -> reply(out, "331 Password required");
                        case "PASS" -> reply(out, "230 Logged in");
                        case "PASV" -> {
                            int p = passive.getLocalPort();
                            reply(out, "227 Entering Passive Mode (127,0,0,1," + (p >> 8) + "," + (p & 0xFF) + ")");
                        }
                        case "STOR", "APPE", "STOU" -> {
                            aborted = false;
                            reply(out, "150 Ok to send data.");
                            Thread t = new Thread(() -> receive(out), "concurrent-ftp-transfer");
                            t.setDaemon(true);
                            transfer = t;
                            t.start();
                        }
                        case "STAT" -> reply(out, busy ? "211-Transfer in progress\r\n Received " + received + " bytes\r\n211 End of status."
                                : "211 Idle");
                        case "ABOR" -> {
                            if (busy) {
                                aborted = true;
                                Socket d = data;
                                if (d != null) {
                                    d.close();
                                }
                                running.join(5000);
                                reply(out, "426 Transfer aborted.");
                                reply(out, "226 ABOR successful.");
                            } else {
                                reply(out, "225 No transfer to ABOR.");
                            }
                        }
                        case "QUIT" -> {
                            reply(out, "221 Goodbye.");
                            return;
                        }
                        default -> reply(out, "200 OK");
                    }
                }
            } catch (IOException | InterruptedException e) {
                // the test is over
            }
        }

        private void receive(OutputStream control) {
            long n = 0;
            String end;
            try (Socket d = passive.accept()) {
                data = d;
                InputStream in = d.getInputStream();
                byte[] buffer = new byte[64 * 1024];
                int r;
                while ((r = in.read(buffer)) >= 0) {
                    n += r;
                    received = n;
                }
                end = aborted ? "ABORTED" : "CLEAN";
            } catch (IOException e) {
                end = aborted ? "ABORTED" : "RESET (" + e.getMessage() + ")";
            }
            dataEnd = end + " after " + n + " bytes";
            if (aborted) {
                return;
            }
            try {
                reply(control, end.startsWith("CLEAN") ? "226 Transfer complete." : "426 Connection closed; transfer aborted.");
            } catch (IOException e) {
                // the control connection is gone
            }
        }

        @Override
        public void close() throws IOException {
            super.close();
            passive.close();
        }
    }
}
