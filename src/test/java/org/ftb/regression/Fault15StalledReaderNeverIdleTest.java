package org.ftb.regression;

import org.ftb.gateway.Gateway;
import org.ftb.testing.LogCapture;
import org.ftb.testing.TestBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;

import static org.awaitility.Awaitility.await;

/**
 * Found by the breakit session: IDLETIMEOUT is documented as "no byte read or delivered in either
 * direction for this long", but a client that opens a RETR's data connection and then never reads
 * it (a hung job) is never idle: Pump.lastActivityNanos answers "now" for as long as a write is in
 * flight, and a write to a zero window stays in flight for ever. Measured with IDLETIMEOUT(10): no
 * byte moved for 45 s and the session, its SSH channels and the FTP server's sockets stayed.
 */
@Timeout(90)
class Fault15StalledReaderNeverIdleTest {
    @TempDir
    Path dir;

    @Test
    void aDataConnectionNobodyReadsEndsAfterIdleTimeout() throws Exception {
        try (LogCapture log = new LogCapture(); Fault06AbortClosesServerSideTest.WatchingFtpServer ftp =
                new Fault06AbortClosesServerSideTest.WatchingFtpServer(); Gateway gateway = Rig.gateway(dir);
             TestBroker broker = Rig.broker(dir, "BROKER IDLETIMEOUT(4)", gateway.knownHostsLine(), gateway.port(), ftp.port())) {
            Rig.FtpClient client = Rig.login(broker, ftp.port());
            try {
                Socket data = client.openData("RETR", "endless.bin");
                // Never read: the windows fill within a second, then no byte moves.
                await().atMost(Duration.ofSeconds(30)).until(() -> Rig.controlRecord(log).filter(r -> r.contains("result=IDLE")).isPresent());
                data.close();
            } finally {
                client.disconnect();
            }
        }
    }
}
