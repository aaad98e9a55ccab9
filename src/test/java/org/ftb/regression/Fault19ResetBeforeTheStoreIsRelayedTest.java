package org.ftb.regression;

import org.ftb.gateway.Gateway;
import org.ftb.testing.LogCapture;
import org.ftb.testing.TestBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Found by the third break-it pass on the held uploads, against vsftpd 3.0.3 through OpenSSH sshd: a
 * passive client connects its data connection, sends STOR and dies (its data connection resets) before
 * the first byte. The broker often sees the data connection's reset before it has relayed the STOR
 * line (19 times out of 20 with a client that resets right after sending STOR): no store is due yet,
 * so the channel, already open to the server's passive port, is closed at once as for a download. The
 * server, which accepts its data connection only when the STOR comes, then takes that connection for
 * the upload's, reads a clean end of file and answers "226 Transfer complete": vsftpd logs the empty
 * file as complete ({@code c} in xferlog). Without the broker the server reads the reset and logs
 * {@code i} ("426 Failure reading network stream").
 *
 * <p>The race is made certain here: the STOR goes only after the broker has ended the data connection.
 * The server is Fault16's vsftpd-like one, which accepts the data connection after the STOR.
 */
@Timeout(120)
class Fault19ResetBeforeTheStoreIsRelayedTest {
    private static final Pattern PASV = Pattern.compile("\\((\\d+),(\\d+),(\\d+),(\\d+),(\\d+),(\\d+)\\)");

    @TempDir
    Path dir;

    @Test
    void aDataConnectionResetBeforeTheStoreIsRelayedDoesNotReachTheServerAsACleanEnd() throws Exception {
        try (LogCapture log = new LogCapture();
             Fault16HeldUploadReleasedCleanTest.AlarmUploadServer ftp = new Fault16HeldUploadReleasedCleanTest.AlarmUploadServer(2000);
             Gateway gateway = Rig.gateway(dir);
             TestBroker broker = Rig.broker(dir, "BROKER IDLETIMEOUT(60)", gateway.knownHostsLine(), gateway.port(), ftp.port())) {
            Rig.FtpClient client = Rig.login(broker, ftp.port());
            try {
                assertThat(client.pasv()).isEqualTo(227);
                Matcher m = PASV.matcher(client.getReplyString());
                assertThat(m.find()).as("227 reply %s", client.getReplyString()).isTrue();
                String host = m.group(1) + "." + m.group(2) + "." + m.group(3) + "." + m.group(4);
                int port = Integer.parseInt(m.group(5)) * 256 + Integer.parseInt(m.group(6));
                Socket data = new Socket(new Proxy(Proxy.Type.SOCKS, new InetSocketAddress("127.0.0.1", broker.port())));
                data.connect(InetSocketAddress.createUnresolved(host, port), 15_000);
                // The SOCKS reply came once the channel was open. The client dies: its data connection
                // resets, and the STOR it had just sent comes after.
                data.setSoLinger(true, 0);
                data.close();
                await().atMost(Duration.ofSeconds(10)).until(() -> !Rig.dataRecords(log).isEmpty());
                OutputStream control = client.controlSocket().getOutputStream();
                control.write("STOR upload.bin\r\n".getBytes(StandardCharsets.US_ASCII));
                control.flush();
                await().atMost(Duration.ofSeconds(30)).until(() -> ftp.dataEnd != null);
                assertThat(ftp.dataEnd).as("how the server's data connection ended (log: %s %s)", log.withId("FTB024"),
                        Rig.dataRecords(log)).doesNotStartWith("CLEAN");
            } finally {
                client.disconnect();
            }
        }
    }
}
