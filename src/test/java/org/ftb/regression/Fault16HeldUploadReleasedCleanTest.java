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
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Found by the second break-it pass on the held uploads (FTB0242W), against real peers (OpenSSH sshd,
 * vsftpd 3.0.3, ProFTPD 1.3.8): the first hold ended after IDLETIMEOUT, and STOP closed held channels at
 * once, so the server still saw a clean end of a broken upload and kept the partial file as complete.
 * vsftpd's data timeout is an alarm every {@code data_connection_timeout} seconds that fails the
 * transfer only at the first tick with no data since the one before, so a stalled transfer fails
 * between one and two periods after its last byte: with {@code data_connection_timeout=20} and
 * IDLETIMEOUT(30) the partial upload was logged {@code c} ("OK UPLOAD"). Now the hold lasts until the
 * server closes its data connection (or DATA HOLDTIMEOUT), and STOP waits for held uploads within
 * STOPTIMEOUT; what a stop must cut is named in FTB0243W.
 *
 * <p>The server here behaves like vsftpd: it reads no command during a transfer and times a stalled
 * transfer out with vsftpd's alarm.
 */
@Timeout(120)
class Fault16HeldUploadReleasedCleanTest {

    @TempDir
    Path dir;

    /**
     * Data timeout 2 s (an alarm every 2 s), IDLETIMEOUT(3): "shorter than IDLETIMEOUT" as documented.
     * The break comes in the first period, whose tick sees progress; the server fails the transfer at
     * the second tick (4 s), but the hold ends at 3 s and the server sees a clean end first.
     */
    @Test
    void aServerWhoseDataTimeoutIsShorterThanIdleTimeoutStillFailsTheBrokenUpload() throws Exception {
        try (LogCapture log = new LogCapture(); AlarmUploadServer ftp = new AlarmUploadServer(2000); Gateway gateway = Rig.gateway(dir);
             TestBroker broker = Rig.broker(dir, "BROKER IDLETIMEOUT(3)", gateway.knownHostsLine(), gateway.port(), ftp.port())) {
            Rig.FtpClient client = Rig.login(broker, ftp.port());
            try {
                Socket data = client.openData("STOR", "upload.bin");
                Rig.send(data, 16);
                data.setSoLinger(true, 0);
                data.close();
                await().atMost(Duration.ofSeconds(30)).until(() -> ftp.dataEnd != null);
                assertThat(ftp.dataEnd).as("how the server's data connection ended (log: %s)", log.withId("FTB024"))
                        .doesNotStartWith("CLEAN");
            } finally {
                client.disconnect();
            }
        }
    }

    /**
     * A broken upload's channel is held (FTB0242W); then the operator stops the broker. The stop waits,
     * within STOPTIMEOUT, for the server to end the transfer itself, as it waits for sessions.
     */
    @Test
    void aStopWhileABrokenUploadIsHeldWaitsForTheServerToFailIt() throws Exception {
        try (LogCapture log = new LogCapture(); AlarmUploadServer ftp = new AlarmUploadServer(2000); Gateway gateway = Rig.gateway(dir);
             TestBroker broker = Rig.broker(dir, "BROKER IDLETIMEOUT(60) STOPTIMEOUT(30)", gateway.knownHostsLine(), gateway.port(),
                     ftp.port())) {
            Rig.FtpClient client = Rig.login(broker, ftp.port());
            Socket data = client.openData("STOR", "upload.bin");
            Rig.send(data, 16);
            data.setSoLinger(true, 0);
            data.close();
            await().atMost(Duration.ofSeconds(10)).until(() -> !log.withId("FTB0242W").isEmpty());
            broker.broker().stop("test");
            assertThat(broker.broker().awaitStopped(Duration.ofSeconds(30))).isTrue();
            assertThat(ftp.dataEnd).as("how the server's data connection ended").isNotNull().doesNotStartWith("CLEAN");
            assertThat(log.withId("FTB0244I")).as("the server ended it").singleElement().asString().startsWith("FTB0244I C1 ");
            assertThat(log.withId("FTB0243W")).isEmpty();
        }
    }

    /**
     * An upload still running when STOPTIMEOUT runs out: the stop cannot outlive its SSH connections,
     * so the server sees the data end, and the operator is told which session's file to check.
     */
    @Test
    void aStopThatCutsAnUploadSaysTheServerMayTakeItForComplete() throws Exception {
        try (LogCapture log = new LogCapture(); AlarmUploadServer ftp = new AlarmUploadServer(10_000); Gateway gateway = Rig.gateway(dir);
             TestBroker broker = Rig.broker(dir, "BROKER IDLETIMEOUT(60) STOPTIMEOUT(0)", gateway.knownHostsLine(), gateway.port(),
                     ftp.port())) {
            Rig.FtpClient client = Rig.login(broker, ftp.port());
            Socket data = client.openData("STOR", "upload.bin");
            AtomicBoolean sending = new AtomicBoolean(true);
            Thread sender = new Thread(() -> {
                try {
                    while (sending.get()) {
                        Rig.send(data, 1);
                        Thread.sleep(20);
                    }
                } catch (IOException | InterruptedException e) {
                    // the broker reset it: the upload is broken off
                }
            }, "slow-uploader");
            sender.setDaemon(true);
            sender.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> ftp.received > 512 * 1024);
            broker.broker().stop("test");
            assertThat(broker.broker().awaitStopped(Duration.ofSeconds(30))).isTrue();
            sending.set(false);
            assertThat(log.withId("FTB0243W")).as("the operator is told").singleElement().asString()
                    .startsWith("FTB0243W C1 ").contains("by the stop");
        }
    }

    /**
     * An upload server like vsftpd: 220/331/230, 227 naming its own passive listener, STOR read to the
     * end before the next command is read (ABOR then gets 225), and vsftpd's data timeout: an alarm every
     * {@code periodMillis} from the start of the transfer that fails it (421 and close, as vsftpd's
     * "Data timeout. Reconnect. Sorry.") only when no byte came since the previous tick.
     */
    static final class AlarmUploadServer extends LineFtpServer {
        private final long periodMillis;
        private final ServerSocket passive = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final List<String> commands = new CopyOnWriteArrayList<>();
        volatile String dataEnd;
        volatile long received;

        AlarmUploadServer(long periodMillis) throws IOException {
            this.periodMillis = periodMillis;
            passive.setSoTimeout(15_000);
            start("alarm-ftp");
        }

        @Override
        void serve(Socket control) {
            try (control) {
                BufferedReader in = new BufferedReader(new InputStreamReader(control.getInputStream(), StandardCharsets.ISO_8859_1));
                OutputStream out = control.getOutputStream();
                reply(out, "220 alarm server ready");
                String line;
                while ((line = in.readLine()) != null) {
                    commands.add(line);
                    String verb = line.split(" ", 2)[0].toUpperCase(Locale.ROOT);
                    switch (verb) {
                        case "USER" -> reply(out, "331 Password required");
                        case "PASS" -> reply(out, "230 Logged in");
                        case "PASV" -> {
                            int p = passive.getLocalPort();
                            reply(out, "227 Entering Passive Mode (127,0,0,1," + (p >> 8) + "," + (p & 0xFF) + ")");
                        }
                        case "STOR", "APPE", "STOU" -> {
                            reply(out, "150 Ok to send data.");
                            String end = receive();
                            if (end.startsWith("TIMEOUT")) {
                                reply(out, "421 Data timeout. Reconnect. Sorry.");
                                return;
                            }
                            reply(out, end.startsWith("CLEAN") ? "226 Transfer complete." : "426 Failure reading network stream.");
                        }
                        case "ABOR" -> reply(out, "225 No transfer to ABOR.");
                        case "QUIT" -> {
                            reply(out, "221 Goodbye.");
                            return;
                        }
                        default -> reply(out, "200 OK");
                    }
                }
            } catch (IOException e) {
                // the test is over
            }
        }

        private String receive() {
            long n = 0;
            String end;
            try (Socket data = passive.accept()) {
                data.setSoTimeout(50);
                InputStream d = data.getInputStream();
                byte[] buffer = new byte[64 * 1024];
                long nextTick = System.currentTimeMillis() + periodMillis;
                boolean progress = false;
                while (true) {
                    if (System.currentTimeMillis() >= nextTick) {
                        if (!progress) {
                            end = "TIMEOUT";
                            break;
                        }
                        progress = false;
                        nextTick += periodMillis;
                    }
                    int r;
                    try {
                        r = d.read(buffer);
                    } catch (SocketTimeoutException e) {
                        continue;
                    }
                    if (r < 0) {
                        end = "CLEAN";
                        break;
                    }
                    n += r;
                    received = n;
                    progress = true;
                }
            } catch (IOException e) {
                end = "RESET (" + e.getMessage() + ")";
            }
            dataEnd = end + " after " + n + " bytes";
            return dataEnd;
        }

        @Override
        public void close() throws IOException {
            super.close();
            passive.close();
        }
    }
}
