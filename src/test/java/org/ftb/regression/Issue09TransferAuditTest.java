package org.ftb.regression;

import org.ftb.status.SessionView;
import org.ftb.testing.LogCapture;
import org.ftb.testing.StreamEnd;
import org.ftb.testing.TestBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 9, audit and statistics: one FTB0251I audit record per FTP transfer, besides the session's
 * FTB0200I, with the session id, FTP user, command, escaped path, bytes, duration, reply code and
 * result (acceptance 5); and a session ended by the operator (CANCEL) during a RETR fails the client's
 * transfer, with CANCELLED in the transfer's and the session's records (acceptance 4). End to end:
 * Commons Net through the broker's SOCKS port, the embedded SSH gateway, Apache FtpServer.
 */
@Timeout(120)
class Issue09TransferAuditTest {
    private static final Duration AUDIT = Duration.ofSeconds(20);
    /** Large enough that the socket buffers and the SSH window hold only a small part of it. */
    private static final int BIG_SIZE = 24 * 1024 * 1024;

    @TempDir
    Path dir;
    private RealFtpRig rig;
    private Path home;
    private LogCapture log;
    private TestBroker broker;

    @BeforeEach
    void setUp() throws Exception {
        rig = RealFtpRig.start(dir);
        home = rig.home();
        log = rig.log();
        broker = rig.broker();
    }

    @AfterEach
    void tearDown() throws Exception {
        rig.close();
    }

    private static byte[] random(int size, long seed) {
        byte[] content = new byte[size];
        new Random(seed).nextBytes(content);
        return content;
    }

    /** Sends a listing command on its own data connection and returns what the client received on it. */
    private static byte[] listing(Rig.FtpClient client, String command) throws IOException {
        byte[] received;
        try (Socket data = client.openData(command, "")) {
            received = data.getInputStream().readAllBytes();
        }
        assertThat(client.completePendingCommand()).as("%s: %s", command, client.getReplyString()).isTrue();
        return received;
    }

    /** The FTB0251I records so far, without the message ID. */
    private List<String> transferRecords() {
        return log.withId("FTB0251I").stream().map(l -> l.substring("FTB0251I ".length())).toList();
    }

    /** Waits for {@code count} transfer records and the session's own record; returns the transfer records. */
    private List<String> awaitRecords(int count) {
        await().atMost(AUDIT).until(() -> transferRecords().size() >= count && Rig.controlRecord(log).isPresent());
        return transferRecords();
    }

    /** A record's fields by name (every value is blank-free, so a blank ends a field). */
    private static Map<String, String> fields(String record) {
        Map<String, String> fields = new LinkedHashMap<>();
        String[] words = record.split(" ");
        fields.put("session", words[0]);
        fields.put("type", words[1]);
        for (int i = 2; i < words.length; i++) {
            int eq = words[i].indexOf('=');
            fields.put(words[i].substring(0, eq), words[i].substring(eq + 1));
        }
        return fields;
    }

    /** The session id the session record (FTB0200I) starts with. */
    private String sessionOfControlRecord() {
        return fields(Rig.controlRecord(log).orElseThrow().substring("FTB0200I ".length())).get("session");
    }

    /** Acceptance 5: LIST, RETR and STOR in one session give three transfer records with the right bytes and codes. */
    @Test
    void listRetrAndStorWriteThreeTransferRecordsWithTheirBytesAndCodes() throws Exception {
        byte[] download = random(1024 * 1024 + 17, 1);
        Files.write(home.resolve("down.bin"), download);
        byte[] upload = random(300_000, 2);
        Rig.FtpClient client = rig.login();
        byte[] list;
        try {
            list = listing(client, "LIST");
            ByteArrayOutputStream back = new ByteArrayOutputStream();
            assertThat(client.retrieveFile("down.bin", back)).as("RETR: %s", client.getReplyString()).isTrue();
            assertThat(back.toByteArray()).isEqualTo(download);
            assertThat(client.storeFile("up.bin", new ByteArrayInputStream(upload))).as("STOR: %s", client.getReplyString()).isTrue();
            assertThat(client.logout()).isTrue();
        } finally {
            client.disconnect();
        }
        assertThat(list).as("test precondition: the listing names down.bin").asString(StandardCharsets.ISO_8859_1).contains("down.bin");
        assertThat(Files.readAllBytes(home.resolve("up.bin"))).isEqualTo(upload);

        List<Map<String, String>> records = awaitRecords(3).stream().map(Issue09TransferAuditTest::fields).toList();
        assertThat(records).as("one record per transfer: %s", transferRecords()).hasSize(3);
        String session = sessionOfControlRecord();
        assertThat(records).allSatisfy(r -> {
            assertThat(r.get("session")).as("joined to the session record by its id").isEqualTo(session);
            assertThat(r.get("type")).isEqualTo("XFER");
            assertThat(r.get("ftpuser")).isEqualTo(Rig.USER);
            assertThat(r.get("result")).isEqualTo("OK");
            assertThat(r.get("code")).isEqualTo("226");
            assertThat(Long.parseLong(r.get("ms"))).isNotNegative();
        });
        assertThat(records).extracting(r -> r.get("n")).containsExactly("1", "2", "3");
        assertThat(records).extracting(r -> r.get("cmd")).containsExactly("LIST", "RETR", "STOR");
        assertThat(records).extracting(r -> r.get("path")).containsExactly("-", "down.bin", "up.bin");
        assertThat(records).extracting(r -> r.get("dir")).containsExactly("down", "down", "up");
        assertThat(records).extracting(r -> Long.parseLong(r.get("bytes")))
                .containsExactly((long) list.length, (long) download.length, (long) upload.length);
        assertThat(transferRecords().get(0)).as("the documented field order")
                .matches("C\\d+ XFER n=1 ftpuser=job1 cmd=LIST path=- dir=down bytes=\\d+ ms=\\d+ code=226 result=OK");
        assertThat(broker.broker().status().totals().transfers()).as("DISPLAY's transfer count").isEqualTo(3);
    }

    @Test
    void aRetrRefusedAtOnceHasARecordWithItsCodeAndNoBytes() throws Exception {
        Rig.FtpClient client = rig.login();
        try {
            assertThat(client.retrieveFile("missing.bin", new ByteArrayOutputStream())).isFalse();
            assertThat(client.getReplyCode()).isEqualTo(550);
            assertThat(client.logout()).isTrue();
        } finally {
            client.disconnect();
        }
        assertThat(awaitRecords(1)).singleElement().asString()
                .matches("C\\d+ XFER n=1 ftpuser=job1 cmd=RETR path=missing.bin dir=down bytes=0 ms=\\d+ code=550 result=FAILED");
    }

    @Test
    void stouAppeNlstAndMlsdAreRecordedToo() throws Exception {
        Files.write(home.resolve("log.txt"), "first\n".getBytes(StandardCharsets.US_ASCII));
        byte[] appended = random(5000, 3);
        byte[] unique = random(7000, 4);
        Rig.FtpClient client = rig.login();
        byte[] nlst;
        byte[] mlsd;
        try {
            assertThat(client.appendFile("log.txt", new ByteArrayInputStream(appended))).as("APPE: %s", client.getReplyString()).isTrue();
            assertThat(client.storeUniqueFile(new ByteArrayInputStream(unique))).as("STOU: %s", client.getReplyString()).isTrue();
            nlst = listing(client, "NLST");
            mlsd = listing(client, "MLSD");
            assertThat(client.logout()).isTrue();
        } finally {
            client.disconnect();
        }
        assertThat(Files.size(home.resolve("log.txt"))).as("test precondition: the append").isEqualTo(6 + appended.length);
        List<Map<String, String>> records = awaitRecords(4).stream().map(Issue09TransferAuditTest::fields).toList();
        assertThat(records).extracting(r -> r.get("cmd")).containsExactly("APPE", "STOU", "NLST", "MLSD");
        assertThat(records).extracting(r -> r.get("path")).containsExactly("log.txt", "-", "-", "-");
        assertThat(records).extracting(r -> r.get("dir")).containsExactly("up", "up", "down", "down");
        assertThat(records).extracting(r -> Long.parseLong(r.get("bytes")))
                .containsExactly((long) appended.length, (long) unique.length, (long) nlst.length, (long) mlsd.length);
        assertThat(records).extracting(r -> r.get("code")).containsOnly("226");
        assertThat(records).extracting(r -> r.get("result")).containsOnly("OK");
    }

    /** The path as the client sent it, reversibly escaped: a blank, a non-ASCII byte, a % and an = in a name. */
    @Test
    void thePathIsEscapedReversiblyWithoutBlanks() throws Exception {
        String name = "a b\u00e9 50%=half.txt";
        byte[] content = random(1234, 5);
        Rig.FtpClient client = new Rig.FtpClient();
        client.setControlEncoding("UTF-8");
        client.setProxy(new java.net.Proxy(java.net.Proxy.Type.SOCKS, new java.net.InetSocketAddress("127.0.0.1", broker.port())));
        client.connect("127.0.0.1", rig.ftp().port());
        try {
            assertThat(client.login(Rig.USER, Rig.PASSWORD)).isTrue();
            client.enterLocalPassiveMode();
            assertThat(client.setFileType(Rig.FtpClient.BINARY_FILE_TYPE)).isTrue();
            assertThat(client.storeFile(name, new ByteArrayInputStream(content))).as("STOR: %s", client.getReplyString()).isTrue();
            assertThat(client.logout()).isTrue();
        } finally {
            client.disconnect();
        }
        String path = fields(awaitRecords(1).get(0)).get("path");
        assertThat(path).isEqualTo("a%20b%C3%A9%2050%25%3Dhalf.txt");
        assertThat(fields(transferRecords().get(0)).get("bytes")).isEqualTo(Integer.toString(content.length));
    }

    /** The client's ABOR during a RETR: the record says ABORTED, with the server's failure code for the RETR. */
    @Test
    void aRetrTheClientAbortsIsRecordedAsAborted() throws Exception {
        Files.write(home.resolve("big.bin"), random(BIG_SIZE, 6));
        Rig.FtpClient client = rig.login();
        String retrReply;
        String aborReply;
        try {
            try (Socket data = client.openData("RETR", "big.bin")) {
                assertThat(data.getInputStream().readNBytes(64 * 1024)).as("test precondition: the RETR's first bytes").hasSize(64 * 1024);
                // Sent as it is, without waiting: the RETR's reply comes first.
                client.controlSocket().getOutputStream().write("ABOR\r\n".getBytes(StandardCharsets.US_ASCII));
                data.setSoLinger(true, 0);
            }
            retrReply = Rig.nextReply(client);
            aborReply = Rig.nextReply(client);
            assertThat(client.logout()).isTrue();
        } finally {
            client.disconnect();
        }
        assertThat(retrReply).as("the RETR's reply after ABOR").matches("4\\d\\d .*");
        assertThat(aborReply).as("the ABOR's own reply").startsWith("226");
        Map<String, String> r = fields(awaitRecords(1).get(0));
        assertThat(r.get("cmd")).isEqualTo("RETR");
        assertThat(r.get("code")).isEqualTo(retrReply.substring(0, 3));
        assertThat(r.get("result")).isEqualTo("ABORTED");
        assertThat(Long.parseLong(r.get("bytes"))).isBetween(64L * 1024, BIG_SIZE - 1L);
    }

    /**
     * Acceptance 4: the operator ends the session (CANCEL) during a RETR. The client's download fails
     * with a reset, never a clean end that looks complete, and the control connection gets no 226;
     * the transfer record and the session record say CANCELLED.
     */
    @Test
    void aSessionCancelledDuringARetrFailsTheDownloadAndIsAuditedAsCancelled() throws Exception {
        Files.write(home.resolve("big.bin"), random(BIG_SIZE, 7));
        Rig.FtpClient client = rig.login();
        client.setReceieveDataSocketBufferSize(64 * 1024);
        StreamEnd end;
        long total;
        String control;
        try {
            try (Socket data = client.openData("RETR", "big.bin")) {
                data.setSoTimeout(30_000);
                InputStream in = data.getInputStream();
                byte[] head = in.readNBytes(1024 * 1024);
                assertThat(head).as("test precondition: the RETR's first MiB").hasSize(1024 * 1024);
                long id = controlSession().id();
                assertThat(broker.broker().cancel(id, "test")).singleElement().asString().startsWith("FTB0316I");
                end = StreamEnd.drain(in);
                total = head.length + end.bytes();
            }
            control = Rig.completion(client);
        } finally {
            try {
                client.disconnect();
            } catch (IOException e) {
                // reset already
            }
        }
        assertThat(end.kind()).as("the client's data connection after the CANCEL, %d of %d bytes in: %s", total, BIG_SIZE, end)
                .isEqualTo(StreamEnd.Kind.RESET);
        assertThat(total).as("test precondition: cancelled mid-transfer").isLessThan(BIG_SIZE);
        assertThat(control).as("the control connection after the CANCEL").doesNotStartWith("226").doesNotStartWith("250");
        Map<String, String> r = fields(awaitRecords(1).get(0));
        assertThat(r.get("cmd")).isEqualTo("RETR");
        assertThat(r.get("code")).isEqualTo("-");
        assertThat(r.get("result")).isEqualTo("CANCELLED");
        assertThat(Long.parseLong(r.get("bytes"))).isBetween(1024L * 1024, BIG_SIZE - 1L);
        assertThat(Rig.controlRecord(log).orElseThrow()).contains(" result=CANCELLED");
        assertThat(broker.broker().cancel(Long.parseLong(r.get("session").substring(1)), "test"))
                .as("the session is gone: nothing to cancel").singleElement().asString().startsWith("FTB0317E");
    }

    /** CANCEL during a STOR: the client's upload fails instead of ending as if the file were whole. */
    @Test
    void aSessionCancelledDuringAStorFailsTheUploadAndIsAuditedAsCancelled() throws Exception {
        Rig.FtpClient client = rig.login();
        long written = 0;
        String failure = null;
        try (Socket data = client.openData("STOR", "cancelled.bin")) {
            byte[] chunk = new byte[Rig.CHUNK_BYTES];
            for (int i = 0; i < 16; i++) {
                data.getOutputStream().write(chunk);
                written += chunk.length;
            }
            assertThat(broker.broker().cancel(controlSession().id(), "test")).singleElement().asString().startsWith("FTB0316I");
            try {
                while (written < BIG_SIZE) {
                    data.getOutputStream().write(chunk);
                    written += chunk.length;
                }
            } catch (IOException e) {
                failure = String.valueOf(e.getMessage());
            }
        } catch (IOException e) {
            failure = "on close: " + e.getMessage();
        } finally {
            try {
                client.disconnect();
            } catch (IOException e) {
                // reset already
            }
        }
        assertThat(failure).as("the client's upload after the CANCEL, %d bytes written", written).isNotNull();
        Map<String, String> r = fields(awaitRecords(1).get(0));
        assertThat(r.get("cmd")).isEqualTo("STOR");
        assertThat(r.get("dir")).isEqualTo("up");
        assertThat(r.get("code")).isEqualTo("-");
        assertThat(r.get("result")).isEqualTo("CANCELLED");
        assertThat(Long.parseLong(r.get("bytes"))).isLessThanOrEqualTo(written);
        assertThat(Rig.controlRecord(log).orElseThrow()).contains(" result=CANCELLED");
    }

    /** The one FTP control session open now, as DISPLAY lists it. */
    private SessionView controlSession() {
        return broker.broker().status().sessions().stream().filter(s -> s.action().equals("FTPTUNNEL")).findFirst().orElseThrow();
    }
}
