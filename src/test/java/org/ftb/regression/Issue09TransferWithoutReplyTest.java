package org.ftb.regression;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 9, audit: a transfer whose session ends before the server's final reply to it still gets its
 * record, with the session's result and no code. Here the FTP server (scripted) sends the data and
 * then closes the control connection without its 226: the session ends SERVER_CLOSED (FTB0241W).
 */
@Timeout(60)
class Issue09TransferWithoutReplyTest {
    @TempDir
    Path dir;

    @Test
    void aRetrWhoseServerClosesBeforeTheReplyIsRecordedWithTheSessionsResult() throws Exception {
        byte[] payload = "the data came, the 226 never did\n".repeat(1000).getBytes(StandardCharsets.US_ASCII);
        CountDownLatch clientHasTheData = new CountDownLatch(1);
        try (FtpRig rig = FtpRig.start(dir)) {
            rig.ftp.on("RETR", (c, argument) -> {
                c.reply("150 Opening data connection for " + argument);
                c.serveData(payload);
                clientHasTheData.await(15, TimeUnit.SECONDS);
                c.end();
            });
            rig.broker("");
            try (FtpRig.Control c = rig.login()) {
                c.send("PASV");
                String pasv = c.line();
                assertThat(pasv).startsWith("227 ");
                try (Socket data = rig.socksData(Fault04UnparsablePassiveReplyTest.pasvAddress(pasv),
                        Fault04UnparsablePassiveReplyTest.pasvPort(pasv))) {
                    c.send("RETR some file");
                    assertThat(c.line()).startsWith("150 ");
                    assertThat(data.getInputStream().readAllBytes()).isEqualTo(payload);
                }
                clientHasTheData.countDown();
                assertThat(c.line()).as("the broker's word for the missing reply").startsWith("421 ");
            } finally {
                clientHasTheData.countDown();
            }
            String session = rig.awaitAudit(l -> l.contains("action=FTPTUNNEL"), Duration.ofSeconds(10));
            assertThat(session).contains(" result=SERVER_CLOSED");
            String tag = session.split(" ")[1];
            assertThat(rig.log.withId("FTB0251I")).singleElement().asString()
                    .isEqualTo("FTB0251I " + tag + " XFER n=1 ftpuser=u cmd=RETR path=some%20file dir=down bytes=" + payload.length
                            + " ms=" + msOf(rig.log.withId("FTB0251I").get(0)) + " code=- result=SERVER_CLOSED");
        }
    }

    private static String msOf(String record) {
        return record.replaceAll(".* ms=(\\d+) .*", "$1");
    }
}
