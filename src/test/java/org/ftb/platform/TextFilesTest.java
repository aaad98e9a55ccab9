package org.ftb.platform;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one rule by which text files are decoded, on files as z/OS UNIX and other systems hold them. */
class TextFilesTest {
    private static final Charset IBM037 = Charset.forName("IBM037");
    private static final TextFiles ON_ZOS = new TextFiles(CodePages.IBM1047);
    private static final TextFiles ON_LINUX = new TextFiles(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private Path file(byte[] bytes) throws Exception {
        return Files.write(dir.resolve("f"), bytes);
    }

    @Test
    void utf8TextIsReadAsUtf8OnZos() throws Exception {
        TextFiles.Text text = ON_ZOS.read(file("user jörg\npass ä€\n".getBytes(StandardCharsets.UTF_8)));
        assertThat(text.charset()).isEqualTo(StandardCharsets.UTF_8);
        assertThat(text.lines()).containsExactly("user jörg", "pass ä€");
    }

    @Test
    void aUtf8ByteOrderMarkMeansUtf8AndIsDropped() throws Exception {
        byte[] body = "LOG LEVEL(INFO)\r\n".getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[body.length + 3];
        bytes[0] = (byte) 0xEF;
        bytes[1] = (byte) 0xBB;
        bytes[2] = (byte) 0xBF;
        System.arraycopy(body, 0, bytes, 3, body.length);
        TextFiles.Text text = ON_ZOS.read(file(bytes));
        assertThat(text.charset()).isEqualTo(StandardCharsets.UTF_8);
        assertThat(text.text()).isEqualTo("LOG LEVEL(INFO)\r\n");
    }

    @Test
    void untaggedIbm1047TextWithNlLineEndsIsReadInThePlatformCodePage() throws Exception {
        byte[] bytes = "RULE NAME(A) DEST([::1])\nUSER(jörg) ¬|\n".getBytes(CodePages.IBM1047);
        assertThat(bytes).contains(0x15).doesNotContain(0x0A);
        TextFiles.Text text = ON_ZOS.read(file(bytes));
        assertThat(text.charset()).isEqualTo(CodePages.IBM1047);
        assertThat(text.lines()).containsExactly("RULE NAME(A) DEST([::1])", "USER(jörg) ¬|");
    }

    @Test
    void ibm1047TextWithEbcdicLineFeedsReadsTheSameLines() throws Exception {
        // X'25' is EBCDIC LF; OpenJDK's IBM1047 decodes it as U+0085, NEL.
        byte[] bytes = "first line\u0085second line\u0085".getBytes(CodePages.IBM1047);
        assertThat(bytes).contains(0x25).doesNotContain(0x15);
        assertThat(ON_ZOS.read(file(bytes)).lines()).containsExactly("first line", "second line");
    }

    @Test
    void ibm037TextIsReadWhenIbm037IsThePlatformCodePage() throws Exception {
        byte[] bytes = "DEST([::1]) ¬\n".getBytes(IBM037);
        TextFiles.Text text = new TextFiles(IBM037).read(file(bytes));
        assertThat(text.charset()).isEqualTo(IBM037);
        assertThat(text.lines()).containsExactly("DEST([::1]) ¬");
    }

    @Test
    void ebcdicBlanksAndNlThatAreAlsoValidUtf8AreReadAsEbcdic() throws Exception {
        // X'40' is an EBCDIC blank and ASCII '@'; X'15' (NL) is what tells them apart.
        TextFiles.Text text = ON_ZOS.read(file(new byte[] {0x40, 0x40, 0x15, 0x40, 0x15}));
        assertThat(text.charset()).isEqualTo(CodePages.IBM1047);
        assertThat(text.lines()).containsExactly("  ", " ");
    }

    @Test
    void anAsciiOnlyFileIsUtf8EvenOnZos() throws Exception {
        TextFiles.Text text = ON_ZOS.read(file("KEEP(14)\n".getBytes(StandardCharsets.US_ASCII)));
        assertThat(text.charset()).isEqualTo(StandardCharsets.UTF_8);
        assertThat(text.text()).isEqualTo("KEEP(14)\n");
    }

    @Test
    void aBinaryFileIsRefusedNamingBothCodePagesAndTheFirstByteEachCouldNotTake() throws Exception {
        Path binary = file(new byte[] {'@', 0x00, 0x01, (byte) 0xFF, 'A'});
        assertThatThrownBy(() -> ON_ZOS.read(binary)).isInstanceOf(TextFiles.NotTextException.class)
                .hasMessage("the file is neither UTF-8 nor IBM-1047 text (UTF-8: byte X'FF' at offset 3; IBM-1047: byte X'00' at offset 1)");
    }

    @Test
    void offZosAnEbcdicFileIsNotUtf8TextAndSaysWhere() throws Exception {
        Path ebcdic = file("ABC\n".getBytes(CodePages.IBM1047));
        assertThatThrownBy(() -> ON_LINUX.read(ebcdic)).isInstanceOf(TextFiles.NotTextException.class)
                .hasMessage("the file is not UTF-8 text (byte X'C1' at offset 0)");
    }

    @Test
    void aByteOrderMarkBeforeBytesThatAreNotUtf8IsRefused() throws Exception {
        Path marked = file(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, 'a', (byte) 0xC1});
        assertThatThrownBy(() -> ON_ZOS.read(marked))
                .hasMessage("the file starts with a UTF-8 byte-order mark but is not UTF-8 text (byte X'C1' at offset 4)");
    }

    @Test
    void theSummaryOfARefusalShowsNoByteOfTheFile() throws Exception {
        Path secret = file(new byte[] {'p', 'w', 0x07, (byte) 0xFF});
        assertThatThrownBy(() -> ON_ZOS.read(secret)).isInstanceOfSatisfying(TextFiles.NotTextException.class,
                e -> assertThat(e.summary()).isEqualTo("the file is neither UTF-8 nor IBM-1047 text"));
    }
}
