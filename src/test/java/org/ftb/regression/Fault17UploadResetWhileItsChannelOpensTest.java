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
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Found by the second break-it pass on dec4793: a data connection that a client resets while the
 * broker is still opening its SSH channel (the client reached the data port through SOCKS and reset
 * a few milliseconds after its CONNECT request) is ended by {@code Connection.whenOpen}/{@code end}
 * with {@code endpoint.close(true)}, which on the guarded channel is a clean close: the FTP server
 * accepts the data connection and sees it end at once, so it stores an empty upload as complete. Against
 * OpenSSH and vsftpd a reset 2 to 5 ms after the SOCKS request gave "OK UPLOAD ... 0 bytes" (xferlog
 * {@code c}) for the STOR, without FTB0242W; a reset a little later was held and failed ({@code i}).
 * Without the broker the server sees the reset and fails the transfer.
 *
 * <p>The race is hit by trying a range of delays; with the fault fixed no attempt may end clean.
 */
@Timeout(120)
class Fault17UploadResetWhileItsChannelOpensTest {
    private static final Pattern PASSIVE = Pattern.compile("\\((\\d+),(\\d+),(\\d+),(\\d+),(\\d+),(\\d+)\\)");
    private static final int[] DELAYS_MILLIS = {0, 1, 1, 2, 2, 3, 3, 4, 5, 6, 8, 10, 12, 15};

    @TempDir
    Path dir;

    @Test
    void anUploadWhoseDataConnectionResetsWhileItsChannelOpensIsNeverACleanEnd() throws Exception {
        try (LogCapture log = new LogCapture(); EarlyUploadServer ftp = new EarlyUploadServer(); Gateway gateway = Rig.gateway(dir);
             TestBroker broker = Rig.broker(dir, "", gateway.knownHostsLine(), gateway.port(), ftp.port())) {
            List<Rig.FtpClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < DELAYS_MILLIS.length; i++) {
                    Rig.FtpClient client = Rig.login(broker, ftp.port());
                    clients.add(client);
                    assertThat(client.sendCommand("PASV")).isEqualTo(227);
                    Matcher m = PASSIVE.matcher(client.getReplyString());
                    assertThat(m.find()).as(client.getReplyString()).isTrue();
                    int dataPort = Integer.parseInt(m.group(5)) * 256 + Integer.parseInt(m.group(6));
                    assertThat(client.sendCommand("STOR", "f" + i)).as(client.getReplyString()).isEqualTo(150);
                    socksConnectThenReset(broker.port(), dataPort, DELAYS_MILLIS[i]);
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> ftp.ends.size() == DELAYS_MILLIS.length);
                assertThat(ftp.ends).as("how each upload's data connection ended at the server (FTB0242W: %s)",
                        log.withId("FTB0242W").size()).allSatisfy((name, end) -> assertThat(end).doesNotStartWith("CLEAN"));
            } finally {
                for (Rig.FtpClient client : clients) {
                    try {
                        client.disconnect();
                    } catch (IOException e) {
                        // best effort
                    }
                }
            }
        }
    }

    /** SOCKS 5 greeting and CONNECT to 127.0.0.1:port in one write, then a reset after {@code delayMillis}. */
    private static void socksConnectThenReset(int socksPort, int port, int delayMillis) throws Exception {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), socksPort);
        ByteBuffer request = ByteBuffer.allocate(13);
        request.put(new byte[] {5, 1, 0, 5, 1, 0, 1, 127, 0, 0, 1}).putShort((short) port);
        s.getOutputStream().write(request.array());
        s.getOutputStream().flush();
        if (delayMillis > 0) {
            Thread.sleep(delayMillis);
        }
        s.setSoLinger(true, 0);
        s.close();
    }

    /**
     * An FTP server that answers STOR with 150 before the data connection comes (as pyftpdlib does),
     * then takes one data connection on the session's passive port within 5 s and reads it to its end;
     * how each upload ended is noted by file name. It reads no command during a transfer.
     */
    static final class EarlyUploadServer extends LineFtpServer {
        final Map<String, String> ends = new ConcurrentHashMap<>();

        EarlyUploadServer() throws IOException {
            start("early-ftp");
        }

        @Override
        void serve(Socket control) {
            ServerSocket passive = null;
            try (control) {
                BufferedReader in = new BufferedReader(new InputStreamReader(control.getInputStream(), StandardCharsets.ISO_8859_1));
                OutputStream out = control.getOutputStream();
                reply(out, "220 early server ready");
                String line;
                while ((line = in.readLine()) != null) {
                    String verb = line.split(" ", 2)[0].toUpperCase(Locale.ROOT);
                    String argument = line.length() > verb.length() ? line.substring(verb.length() + 1) : "";
                    switch (verb) {
                        case "USER" -> reply(out, "331 Password required");
                        case "PASS" -> reply(out, "230 Logged in");
                        case "PASV" -> {
                            passive = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                            int p = passive.getLocalPort();
                            reply(out, "227 Entering Passive Mode (127,0,0,1," + (p >> 8) + "," + (p & 0xFF) + ")");
                        }
                        case "STOR" -> {
                            reply(out, "150 About to open data connection");
                            String end = receive(passive);
                            ends.put(argument, end);
                            reply(out, end.startsWith("CLEAN") ? "226 Transfer complete" : "426 Transfer failed: " + end);
                        }
                        case "ABOR" -> reply(out, "225 No transfer to abort");
                        case "QUIT" -> {
                            reply(out, "221 Goodbye");
                            return;
                        }
                        default -> reply(out, "200 OK");
                    }
                }
            } catch (IOException e) {
                // the test is over
            } finally {
                try {
                    if (passive != null) {
                        passive.close();
                    }
                } catch (IOException e) {
                    // best effort
                }
            }
        }

        private static String receive(ServerSocket passive) {
            long n = 0;
            try {
                passive.setSoTimeout(5000);
                try (Socket data = passive.accept()) {
                    data.setSoTimeout(3000);
                    InputStream d = data.getInputStream();
                    byte[] buffer = new byte[64 * 1024];
                    int r;
                    while ((r = d.read(buffer)) >= 0) {
                        n += r;
                    }
                    return "CLEAN after " + n + " bytes";
                }
            } catch (SocketTimeoutException e) {
                return (n == 0 ? "NO DATA CONNECTION OR TIMEOUT" : "TIMEOUT") + " after " + n + " bytes";
            } catch (IOException e) {
                return "RESET after " + n + " bytes (" + e.getMessage() + ")";
            }
        }
    }
}
