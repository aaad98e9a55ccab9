package org.ftb.regression;

import org.ftb.gateway.Gateway;
import org.ftb.testing.LogCapture;
import org.ftb.testing.TestBroker;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Found by the break-it pass: a client whose upload data connection breaks (the job was cancelled, its
 * network broke) must never leave the FTP server taking the upload for complete. Without the broker the
 * server sees the reset; an SSH channel cannot carry one, and closing it reaches the server as a clean
 * end, so the server stored the partial file as complete and answered 226. On the old code every case
 * here but the clean upload fails with the server's "CLEAN" end.
 *
 * <p>Two kinds of server: one that reads its control connection during a transfer (ProFTPD, pyftpdlib,
 * z/OS FTP), which the broker's ABOR stops at once; and one that does not (vsftpd without async ABOR),
 * which ends the transfer only on its own data timeout, so the broker holds the channel open meanwhile.
 */
@Timeout(90)
class Fault11BrokenUploadTest {
    private static final int CHUNKS = 16;

    enum Server { READS_CONTROL, DATA_ONLY }

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Server.class)
    void aResetUploadFailsOnTheServerAndTheRepliesStayInStep(Server kind) throws Exception {
        run(kind, (ftp, client, log, broker) -> {
            Socket data = client.openData("STOR", "upload.bin");
            sendThenReset(data);
            await().atMost(Duration.ofSeconds(30)).until(() -> ftp.dataEnd != null);
            assertThat(ftp.dataEnd).as("how the server's data connection ended").doesNotStartWith("CLEAN");
            assertThat(Rig.completion(client)).as("the STOR's reply").startsWith("426");
            assertThat(client.sendNoOp()).as("NOOP after the broken upload: %s", client.getReplyString()).isTrue();
            assertThat(ftp.commands).contains("ABOR");
            await().atMost(Duration.ofSeconds(10)).until(() -> !log.withId("FTB0242W").isEmpty());
            assertThat(log.withId("FTB0242W")).singleElement().asString().contains("ABOR was sent");
        });
    }

    /** The job was cancelled: its data and control connections both reset at once. */
    @ParameterizedTest
    @EnumSource(Server.class)
    void aCancelledJobsUploadFailsOnTheServer(Server kind) throws Exception {
        run(kind, (ftp, client, log, broker) -> {
            Socket data = client.openData("STOR", "upload.bin");
            Rig.send(data, CHUNKS);
            client.controlSocket().setSoLinger(true, 0);
            client.controlSocket().close();
            data.setSoLinger(true, 0);
            data.close();
            if (kind == Server.DATA_ONLY) {
                await().atMost(Duration.ofSeconds(10)).until(() -> !log.withId("FTB0242W").isEmpty());
                assertThat(broker.broker().status().heldUploads()).as("DISPLAY's HELD UPLOADS until the server's data timeout").isOne();
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> ftp.dataEnd != null);
            assertThat(ftp.dataEnd).as("how the server's data connection ended").doesNotStartWith("CLEAN");
            await().atMost(Duration.ofSeconds(10)).until(() -> !log.withId("FTB0244I").isEmpty());
            assertThat(broker.broker().status().heldUploads()).as("DISPLAY's HELD UPLOADS once the server ended it").isZero();
            // Which reset the broker reads first decides whether an ABOR still went out; either way the channel was held.
            assertThat(log.withId("FTB0242W")).singleElement().asString().startsWith("FTB0242W C1 ");
            assertThat(log.withId("FTB0244I")).as("the server ended it").singleElement().asString().startsWith("FTB0244I C1 ");
        });
    }

    /** The control: a finished upload still ends cleanly, whole, with its 226, and nothing is held. */
    @ParameterizedTest
    @EnumSource(Server.class)
    void aFinishedUploadEndsCleanly(Server kind) throws Exception {
        run(kind, (ftp, client, log, broker) -> {
            try (Socket data = client.openData("STOR", "upload.bin")) {
                Rig.send(data, CHUNKS);
            }
            assertThat(Rig.completion(client)).startsWith("226");
            assertThat(ftp.dataEnd).isEqualTo("CLEAN after " + CHUNKS * Rig.CHUNK_BYTES + " bytes");
            assertThat(client.sendNoOp()).isTrue();
            assertThat(ftp.commands).doesNotContain("ABOR");
            assertThat(log.withId("FTB0242W")).isEmpty();
        });
    }

    private interface Case {
        void run(UploadServer ftp, Rig.FtpClient client, LogCapture log, TestBroker broker) throws Exception;
    }

    /** Runs a case with a logged-in client through the broker and the embedded gateway to a server of {@code kind}. */
    private void run(Server kind, Case c) throws Exception {
        try (LogCapture log = new LogCapture(); UploadServer ftp = new UploadServer(kind); Gateway gateway = Rig.gateway(dir);
             TestBroker broker = Rig.broker(dir, "", gateway.knownHostsLine(), gateway.port(), ftp.port())) {
            Rig.FtpClient client = Rig.login(broker, ftp.port());
            try {
                c.run(ftp, client, log, broker);
            } finally {
                client.disconnect();
            }
        }
    }

    private static void sendThenReset(Socket data) throws IOException {
        Rig.send(data, CHUNKS);
        data.setSoLinger(true, 0);
        data.close();
    }

    /**
     * An FTP server for uploads: 220/331/230, 227 naming its own passive listener, STOR read to the end
     * on a thread of its own with a 3 s data timeout, the way it ended noted, and 226 or 426.
     * {@code READS_CONTROL} answers ABOR during the transfer (426 for the STOR, then 226) and fails the
     * transfer when the control connection ends; {@code DATA_ONLY} reads the next command only once the
     * transfer is over (then ABOR gets 225).
     */
    static final class UploadServer extends LineFtpServer {
        private static final int DATA_TIMEOUT_MILLIS = 3000;
        private final Server kind;
        private final ServerSocket passive = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final List<String> commands = new CopyOnWriteArrayList<>();
        volatile String dataEnd;
        private volatile Socket transfer;
        private volatile boolean aborted;

        UploadServer(Server kind) throws IOException {
            this.kind = kind;
            passive.setSoTimeout(15_000);
            start("upload-ftp");
        }

        @Override
        void serve(Socket control) {
            Thread store = null;
            try (control) {
                BufferedReader in = new BufferedReader(new InputStreamReader(control.getInputStream(), StandardCharsets.ISO_8859_1));
                OutputStream out = control.getOutputStream();
                reply(out, "220 upload server ready");
                String line;
                while ((line = in.readLine()) != null) {
                    commands.add(line);
                    String verb = line.split(" ", 2)[0].toUpperCase(Locale.ROOT);
                    boolean transferring = store != null && store.isAlive();
                    switch (verb) {
                        case "USER" -> reply(out, "331 Password required");
                        case "PASS" -> reply(out, "230 Logged in");
                        case "PASV" -> {
                            int p = passive.getLocalPort();
                            reply(out, "227 Entering Passive Mode (127,0,0,1," + (p >> 8) + "," + (p & 0xFF) + ")");
                        }
                        case "STOR" -> {
                            reply(out, "150 Send it");
                            store = daemon(() -> receive(out), "upload-ftp-data");
                            if (kind == Server.DATA_ONLY) {
                                store.join();
                            }
                        }
                        case "ABOR" -> {
                            if (transferring) {
                                aborted = true; // before the socket is looked at: see receive()
                                closeQuietly(transfer);
                                store.join();
                                reply(out, "226 Abort successful");
                            } else {
                                reply(out, "225 No transfer to abort");
                            }
                        }
                        case "QUIT" -> {
                            reply(out, "221 Goodbye");
                            return;
                        }
                        default -> reply(out, "200 OK");
                    }
                }
            } catch (IOException | InterruptedException e) {
                // the test is over
            } finally {
                if (store != null && store.isAlive() && kind == Server.READS_CONTROL) {
                    aborted = true; // the control connection ended during the transfer: it failed
                    closeQuietly(transfer);
                }
            }
        }

        private void receive(OutputStream control) {
            long n = 0;
            String end;
            try (Socket data = passive.accept()) {
                transfer = data;
                if (aborted) {
                    throw new IOException("aborted before the data connection came");
                }
                data.setSoTimeout(DATA_TIMEOUT_MILLIS);
                InputStream d = data.getInputStream();
                byte[] buffer = new byte[64 * 1024];
                int r;
                while ((r = d.read(buffer)) >= 0) {
                    n += r;
                }
                end = aborted ? "ABORTED" : "CLEAN";
            } catch (SocketTimeoutException e) {
                end = "TIMEOUT";
            } catch (IOException e) {
                end = aborted ? "ABORTED" : "RESET (" + e.getMessage() + ")";
            }
            dataEnd = end + " after " + n + " bytes";
            try {
                reply(control, end.equals("CLEAN") ? "226 Transfer complete" : "426 Transfer failed: " + end);
            } catch (IOException e) {
                // the control connection is gone
            }
        }

        private static void closeQuietly(Socket socket) {
            try {
                if (socket != null) {
                    socket.close();
                }
            } catch (IOException e) {
                // best effort
            }
        }

        @Override
        public void close() throws IOException {
            super.close();
            passive.close();
        }
    }
}
