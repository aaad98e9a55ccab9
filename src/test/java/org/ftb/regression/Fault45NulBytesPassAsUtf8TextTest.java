package org.ftb.regression;

import org.ftb.platform.CodePages;
import org.ftb.platform.TextFiles;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Attacks the one decoding rule with a UTF-16LE file without a byte-order mark (what some Windows
 * tools and {@code iconv -t UTF-16LE} write): every other byte is X'00', and the bytes are valid UTF-8
 * holding no X'15', so the rule takes them as UTF-8 and hands the configuration parser, the users
 * file, a PASSPHRASE ("s\0e\0c\0r\0e\0t\0") text full of NUL characters. The EBCDIC step refuses a
 * text holding any control other than TAB, CR, LF and NL; the UTF-8 step checks no such thing, so the
 * same byte is "not text" in one code page and text in the other.
 *
 * <p>Correct behaviour: a file whose decoded text holds a control character other than TAB, CR, LF
 * and NL (here NUL) is not text, whichever code page it decodes in: NotTextException, naming the
 * offset, on every platform.
 */
class Fault45NulBytesPassAsUtf8TextTest {
    @Test
    void aUtf16FileWithoutByteOrderMarkIsNotText() {
        byte[] utf16 = "LISTEN NAME(MAIN) PORT(1080)\n".getBytes(StandardCharsets.UTF_16LE);
        assertThatThrownBy(() -> new TextFiles(StandardCharsets.UTF_8).decode(utf16)).isInstanceOf(TextFiles.NotTextException.class);
        assertThatThrownBy(() -> new TextFiles(CodePages.IBM1047).decode(utf16)).isInstanceOf(TextFiles.NotTextException.class);
    }
}
