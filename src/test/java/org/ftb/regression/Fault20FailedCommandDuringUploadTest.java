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
 * Found by the fourth break-it pass, against ProFTPD 1.3.8 through OpenSSH sshd: ProFTPD reads the
 * control connection during a transfer and answers any command there at once, before its final reply
 * to the store: "CWD /tmp" gets "250 CWD command successful", "SIZE nonexist" and "DELE nonexist" get
 * "550 nonexist: No such file or directory". ftp.RepliesDue only tells a reply "a store cannot have"
 * (2xx other than 226/250, 3xx) apart; a 250 or any 4xx/5xx arriving while the store is first in line
 * is taken for the store's answer, so the broker believes no store is in progress. When the client then
 * resets the upload's data connection, the channel is closed at once instead of held (no FTB0242W, no
 * ABOR): ProFTPD reads a clean end, answers "226 Transfer complete" and logs the partial file as
 * complete (xferlog {@code c}). Without the broker ProFTPD answers "426 Transfer aborted" and logs
 * {@code i}.
 *
 * <p>Real peers: fc.py 43041 pasv "cmd:STOR pb_SIZE.bin" reply send:2M "cmd:SIZE nonexist" send:2M
 * reply:5 sleep:0.5 send:1M rst (likewise CWD /tmp, DELE nonexist): 226 and {@code c} through the
 * broker, 426 and {@code i} direct (/tmp/bk4/tB_*.out, tBd_*.out, proftpd.xferlog).
 */
@Timeout(120)
class Fault20FailedCommandDuringUploadTest {

    @TempDir
    Path dir;

    @Test
    void aCwdAnswered250DuringTheUploadDoesNotEndTheStoreForTheBroker() throws Exception {
        brokenAfter("CWD /tmp", 250);
    }

    @Test
    void aSizeAnswered550DuringTheUploadDoesNotEndTheStoreForTheBroker() throws Exception {
        brokenAfter("SIZE nonexist", 550);
    }

    @Test
    void aNoopAnswered450DuringTheUploadDoesNotEndTheStoreForTheBroker() throws Exception {
        brokenAfter("NOOP", 450);
    }

    private void brokenAfter(String command, int answer) throws Exception {
        try (LogCapture log = new LogCapture(); BusyServer ftp = new BusyServer(); Gateway gateway = Rig.gateway(dir);
             TestBroker broker = Rig.broker(dir, "BROKER IDLETIMEOUT(60)", gateway.knownHostsLine(), gateway.port(), ftp.port())) {
            ftp.noopAnswer = answer;
            Rig.FtpClient client = Rig.login(broker, ftp.port());
            try {
                Socket data = client.openData("STOR", "upload.bin");
                Rig.send(data, 16);
                await().atMost(Duration.ofSeconds(10)).until(() -> ftp.received >= 16L * Rig.CHUNK_BYTES);
                int code = client.sendCommand(command);
                assertThat(code).as("%s during the transfer", command).isEqualTo(answer);
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

    /**
     * An upload server that, like ProFTPD and pyftpdlib, reads and answers every command while a
     * transfer runs, with a new passive port for each PASV (the previous one is closed). The store is
     * answered 226 on a clean end of the data, 426 on a reset; ABOR during a transfer ends it (426 to
     * the store, 226 to the ABOR).
     */
    static final class BusyServer extends LineFtpServer {
        final List<String> commands = new CopyOnWriteArrayList<>();
        /** How each upload's data connection ended, in order. */
        final List<String> ends = new CopyOnWriteArrayList<>();
        volatile int noopAnswer = 200;
        volatile String dataEnd;
        volatile long received;
        private volatile ServerSocket passive;
        private volatile Socket data;
        private volatile Thread transfer;
        private volatile boolean aborted;

        BusyServer() throws IOException {
            start("busy-ftp");
        }

        @Override
        void serve(Socket control) {
            try (control) {
                BufferedReader in = new BufferedReader(new InputStreamReader(control.getInputStream(), StandardCharsets.ISO_8859_1));
                OutputStream out = control.getOutputStream();
                reply(out, "220 busy server ready");
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
                            ServerSocket old = passive;
                            if (old != null) {
                                old.close();
                            }
                            ServerSocket p = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                            p.setSoTimeout(15_000);
                            passive = p;
                            int n = p.getLocalPort();
                            reply(out, "227 Entering Passive Mode (127,0,0,1," + (n >> 8) + "," + (n & 0xFF) + ")");
                        }
                        case "STOR", "APPE", "STOU" -> {
                            aborted = false;
                            ServerSocket p = passive;
                            passive = null;
                            reply(out, "150 Opening BINARY mode data connection");
                            Thread t = new Thread(() -> receive(p, out), "busy-ftp-transfer");
                            t.setDaemon(true);
                            transfer = t;
                            t.start();
                        }
                        case "CWD" -> reply(out, "250 CWD command successful");
                        case "SIZE", "DELE" -> reply(out, "550 nonexist: No such file or directory");
                        case "NOOP" -> reply(out, noopAnswer + (noopAnswer == 200 ? " NOOP ok" : " Transfer in progress, try later"));
                        case "ABOR" -> {
                            if (busy) {
                                aborted = true;
                                Socket d = data;
                                if (d != null) {
                                    d.close();
                                }
                                running.join(5000);
                                reply(out, "426 Transfer aborted. Data connection closed.");
                                reply(out, "226 Abort successful");
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

        private void receive(ServerSocket p, OutputStream control) {
            long n = 0;
            String end;
            received = 0;
            try (p; Socket d = p.accept()) {
                data = d;
                if (aborted) {
                    throw new IOException("aborted before the data connection was taken");
                }
                InputStream in = d.getInputStream();
                byte[] buffer = new byte[64 * 1024];
                int r;
                while ((r = in.read(buffer)) >= 0) {
                    n += r;
                    received = n;
                }
                end = aborted ? "ABORTED" : "CLEAN";
            } catch (IOException | RuntimeException e) {
                end = aborted ? "ABORTED" : "RESET (" + e.getMessage() + ")";
            }
            data = null;
            dataEnd = end + " after " + n + " bytes";
            ends.add(dataEnd);
            if (aborted) {
                return;
            }
            try {
                reply(control, end.startsWith("CLEAN") ? "226 Transfer complete" : "426 Transfer aborted. Data connection closed");
            } catch (IOException e) {
                // the control connection is gone
            }
        }

        @Override
        public void close() throws IOException {
            super.close();
            ServerSocket p = passive;
            if (p != null) {
                p.close();
            }
        }
    }
}
