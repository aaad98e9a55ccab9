package org.ftb.app;

import org.ftb.status.TransferView;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The transfer record's text, and the escape of its path as docs/operations.md gives it. */
class AuditRecordTest {
    private static String latin1(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    /** The decoding docs/operations.md gives: {@code -} is no argument, %hh one byte, any other character its ASCII byte. */
    private static byte[] decode(String path) {
        if (path.equals("-")) {
            return new byte[0];
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < path.length(); i++) {
            if (path.charAt(i) == '%') {
                out.write(HexFormat.fromHexDigits(path, i + 1, i + 3));
                i += 2;
            } else {
                out.write(path.charAt(i));
            }
        }
        return out.toByteArray();
    }

    @Test
    void bytesOutsidePrintableAsciiAndTheSeparatorsArePercentEncoded() {
        assertThat(AuditRecord.path("plain/name_1.txt")).isEqualTo("plain/name_1.txt");
        assertThat(AuditRecord.path("!~'\"")).as("the ends of the printable range stay").isEqualTo("!~'\"");
        assertThat(AuditRecord.path("a b")).isEqualTo("a%20b");
        assertThat(AuditRecord.path("50%=x")).isEqualTo("50%25%3Dx");
        assertThat(AuditRecord.path(latin1(new byte[]{'\r', '\n', 0, 0x1B, 0x7F, (byte) 0x80, (byte) 0xFF, '\t'})))
                .isEqualTo("%0D%0A%00%1B%7F%80%FF%09");
        assertThat(AuditRecord.path("")).as("no argument").isEqualTo("-");
        assertThat(AuditRecord.path("-")).as("an argument of just '-', apart from none").isEqualTo("%2D");
        assertThat(AuditRecord.path("-la")).isEqualTo("-la");
    }

    @Test
    void anyArgumentComesBackFromItsEscapeAndTheEscapeIsOneBlankFreeWordOfPrintableAscii() {
        Random random = new Random(9);
        for (int i = 0; i < 10_000; i++) {
            byte[] bytes = new byte[random.nextInt(6)];
            for (int j = 0; j < bytes.length; j++) {
                // Mostly the interesting ones: '-', '%', '=', blank, controls, high bytes.
                bytes[j] = (byte) (random.nextBoolean() ? "-%= \u0000\u007f".charAt(random.nextInt(6)) : random.nextInt(256));
            }
            String path = AuditRecord.path(latin1(bytes));
            assertThat(path).as("escape of %s", HexFormat.of().formatHex(bytes)).matches("[!-~]+");
            assertThat(decode(path)).as("decoded escape of %s", HexFormat.of().formatHex(bytes)).isEqualTo(bytes);
        }
    }

    @Test
    void aTransferRecordHasItsFieldsInTheDocumentedOrder() {
        assertThat(AuditRecord.format(new TransferView(17, 3, "job 1", "RETR", "my file", false, 1234, Duration.ofMillis(56), 226, "OK")))
                .isEqualTo("C17 XFER n=3 ftpuser=job_1 cmd=RETR path=my%20file dir=down bytes=1234 ms=56 code=226 result=OK");
        assertThat(AuditRecord.format(new TransferView(4, 1, "-", "STOR", "", true, 0, Duration.ofMillis(7), 0, "CANCELLED")))
                .isEqualTo("C4 XFER n=1 ftpuser=- cmd=STOR path=- dir=up bytes=0 ms=7 code=- result=CANCELLED");
    }
}
