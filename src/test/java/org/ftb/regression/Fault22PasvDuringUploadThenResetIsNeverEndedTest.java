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
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Found by the fifth break-it pass (59bd54a), against ProFTPD 1.3.8 and vsftpd 3.0.3 through OpenSSH
 * sshd: ABOR is now withheld once a PASV went after the store (so that pyftpdlib, which ends the
 * transfer itself on PASV, does not abort the next upload). ProFTPD and vsftpd do not end a transfer on
 * PASV: ProFTPD answers "450 PASV: data transfer in progress", vsftpd reads nothing until the transfer
 * ends. So when the client sends a PASV during an upload (or right after resetting it, before the
 * broker has seen the reset) and the upload's data connection then breaks, nothing ends the held
 * transfer: the server waits for data until its stall timeout (ProFTPD TimeoutStalled, vsftpd
 * data_connection_timeout) and then drops the whole session: the client gets "421" instead of the
 * store's "426", and loses the session. Without the broker both servers answer 426 at once and the
 * session goes on.
 *
 * <p>Real peers: fc.py 45041 pasv "cmd:STOR x.bin" reply send:2M rst cmd:PASV wait:45 -> ProFTPD: 450,
 * then after 20 s "421 ... reply still due"; vsftpd (45021): nothing for 40 s, then "421 Data timeout";
 * dfc.py (direct): 426 at once, then 227 (/tmp/bk5/r/e_*.out, r/h_*.out).
 */
@Timeout(120)
class Fault22PasvDuringUploadThenResetIsNeverEndedTest {
    @TempDir
    Path dir;

    @Test
    void anUploadBrokenAfterAPasvAnswered450IsStillEndedOnTheServer() throws Exception {
        try (LogCapture log = new LogCapture(); ProftpdLike ftp = new ProftpdLike(); Gateway gateway = Rig.gateway(dir);
             TestBroker broker = Rig.broker(dir, "BROKER IDLETIMEOUT(60)", gateway.knownHostsLine(), gateway.port(), ftp.port())) {
            Rig.FtpClient client = Rig.login(broker, ftp.port());
            try {
                Socket data = client.openData("STOR", "upload.bin");
                Rig.send(data, 16);
                await().atMost(Duration.ofSeconds(10)).until(() -> ftp.received >= 16L * 64 * 1024);
                assertThat(client.sendCommand("PASV")).as("PASV during the transfer").isEqualTo(450);
                Rig.send(data, 4);
                data.setSoLinger(true, 0);
                data.close();
                // Direct, the server ends the transfer at once (426); through SSH only an ABOR can end it.
                await().atMost(Duration.ofSeconds(15)).until(() -> ftp.dataEnd != null);
                assertThat(ftp.dataEnd).doesNotStartWith("CLEAN");
                assertThat(Rig.completion(client)).as("log: %s", log.withId("FTB024")).startsWith("426");
            } finally {
                client.disconnect();
            }
        }
    }

    /**
     * Like ProFTPD: reads commands during a transfer, answers PASV there "450 ... data transfer in
     * progress" without touching the transfer, ends the transfer on ABOR (426 + 226), else only when
     * the data connection ends (226 clean, 426 reset). It has no stall timeout, as if it were long.
     */
    static final class ProftpdLike extends LineFtpServer {
        volatile long received;
        volatile String dataEnd;
        private volatile ServerSocket passive;
        private volatile Socket data;
        private volatile Thread transfer;
        private volatile boolean aborted;

        ProftpdLike() throws IOException {
            start("proftpd-like");
        }

        @Override
        void serve(Socket control) {
            try (control) {
                BufferedReader in = new BufferedReader(new InputStreamReader(control.getInputStream(), StandardCharsets.ISO_8859_1));
                OutputStream out = control.getOutputStream();
                reply(out, "220 proftpd-like ready");
                String line;
                while ((line = in.readLine()) != null) {
                    String verb = line.split(" ", 2)[0].toUpperCase(Locale.ROOT);
                    Thread running = transfer;
                    boolean busy = running != null && running.isAlive();
                    switch (verb) {
                        case "USER" -> reply(out, "331 Password required");
                        case "PASS" -> reply(out, "230 Logged in");
                        case "PASV" -> {
                            if (busy) {
                                reply(out, "450 PASV: data transfer in progress");
                            } else {
                                ServerSocket p = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                                p.setSoTimeout(15_000);
                                passive = p;
                                int n = p.getLocalPort();
                                reply(out, "227 Entering Passive Mode (127,0,0,1," + (n >> 8) + "," + (n & 0xFF) + ")");
                            }
                        }
                        case "STOR" -> {
                            aborted = false;
                            ServerSocket p = passive;
                            passive = null;
                            reply(out, "150 Opening BINARY mode data connection");
                            transfer = daemon(() -> receive(p, out), "proftpd-like-transfer");
                        }
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
            try (p; Socket d = p.accept()) {
                data = d;
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
            if (aborted) {
                return;
            }
            try {
                reply(control, end.startsWith("CLEAN") ? "226 Transfer complete" : "426 Transfer aborted. Data connection closed");
            } catch (IOException e) {
                // the control connection is gone
            }
        }
    }
}
