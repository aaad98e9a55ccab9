package org.ftb.regression;

import org.ftb.gateway.Gateway;
import org.ftb.testing.LogCapture;
import org.ftb.testing.TestBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Found by the fourth break-it pass, against ProFTPD 1.3.8 and pyftpdlib 1.5.7 through OpenSSH sshd:
 * a client connects a data connection for a PASV, the connection breaks (reset) before any transfer
 * command, and the client starts over as clients do: a new PASV, a new data connection, STOR. The
 * broker keeps the broken first channel "pending" (fba7d43) because a data port is still announced and
 * no transfer command has gone since; the STOR for the new port then makes it hold that stale channel
 * as a broken upload (FTB0242W) and send ABOR, which aborts the client's healthy upload on the new
 * data connection. ProFTPD: the client gets "426 Transfer aborted", xferlog logs 0 bytes {@code i};
 * pyftpdlib: the client gets "225 ABOR command successful; data channel closed." as the STOR's answer
 * and an empty file (INCOMPLETE). Without the broker (and with vsftpd, which reads no ABOR during a
 * transfer) the second upload completes.
 *
 * <p>Real peers: fc.py 43041 pasv sleep:0.3 rst sleep:0.5 pasv "cmd:STOR g.bin" reply send:20M fin reply
 * (/tmp/bk4/tC_43041.out, tC1.out, proftpd.xferlog, pyftpd.log).
 */
@Timeout(120)
class Fault21AbandonedDataConnectionAbortsTheNextUploadTest {
    private static final Pattern PASV = Pattern.compile("\\((\\d+),(\\d+),(\\d+),(\\d+),(\\d+),(\\d+)\\)");

    @TempDir
    Path dir;

    @Test
    void aDataConnectionBrokenBeforeAnyTransferDoesNotAbortTheUploadOnTheNextOne() throws Exception {
        try (LogCapture log = new LogCapture(); Fault20FailedCommandDuringUploadTest.BusyServer ftp = new Fault20FailedCommandDuringUploadTest.BusyServer();
             Gateway gateway = Rig.gateway(dir);
             TestBroker broker = Rig.broker(dir, "BROKER IDLETIMEOUT(60)", gateway.knownHostsLine(), gateway.port(), ftp.port())) {
            Rig.FtpClient client = Rig.login(broker, ftp.port());
            try {
                assertThat(client.pasv()).isEqualTo(227);
                Matcher m = PASV.matcher(client.getReplyString());
                assertThat(m.find()).as("227 reply %s", client.getReplyString()).isTrue();
                String host = m.group(1) + "." + m.group(2) + "." + m.group(3) + "." + m.group(4);
                int port = Integer.parseInt(m.group(5)) * 256 + Integer.parseInt(m.group(6));
                Socket stale = new Socket(new Proxy(Proxy.Type.SOCKS, new InetSocketAddress("127.0.0.1", broker.port())));
                stale.connect(InetSocketAddress.createUnresolved(host, port), 15_000);
                stale.setSoLinger(true, 0);
                stale.close();
                await().atMost(Duration.ofSeconds(10)).until(() -> !Rig.dataRecords(log).isEmpty());

                // The client starts over: a new PASV and data connection, and a healthy upload.
                Socket data = client.openData("STOR", "good.bin");
                try {
                    Rig.send(data, 64);
                } catch (IOException e) {
                    // the upload was aborted under the client: the assertions below say so
                }
                data.close();
                String completion = Rig.completion(client);
                await().atMost(Duration.ofSeconds(30)).until(() -> ftp.dataEnd != null);
                assertThat(ftp.dataEnd).as("the second upload on the server (client got %s; server saw %s; log: %s)", completion,
                        ftp.commands, log.withId("FTB024")).isEqualTo("CLEAN after " + 64L * 64 * 1024 + " bytes");
                assertThat(completion).startsWith("226");
            } finally {
                client.disconnect();
            }
        }
    }
}
