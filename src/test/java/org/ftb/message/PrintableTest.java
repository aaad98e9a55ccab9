package org.ftb.message;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 7 finding 2: what a client chose reaches logs, audit records, DISPLAY and replies only as printable text. */
class PrintableTest {
    @Test
    void printableTextOfAnyScriptIsLeftAsItIs() {
        String text = "JOB1 Jörg Ωμέγα 日本語 ftp.example.com:21 [x] 😀 C:\\dir 'q' X'0A'";
        assertThat(Printable.of(text)).isEqualTo(text);
    }

    @Test
    void everyControlSeparatorAndHiddenCharacterShowsAsItsCodePoint() {
        assertThat(Printable.of("a\r\nb\0c\u001b[31md\u007f")).isEqualTo("aX'0D'X'0A'bX'00'cX'1B'[31mdX'7F'");
        assertThat(Printable.of("\u0085\u009b\u2028\u2029\u202e\u200b\u00a0\t\u000b\f"))
                .isEqualTo("X'85'X'9B'X'2028'X'2029'X'202E'X'200B'X'A0'X'09'X'0B'X'0C'");
        assertThat(Printable.of("lone \ud800 and private \ue000 and unassigned \u0378"))
                .isEqualTo("lone X'D800' and private X'E000' and unassigned X'378'");
    }

    @Test
    void escapingTwiceChangesNothingAndALimitCutsWithAnEllipsis() {
        String once = Printable.of("user\r\n\u001b]0;x\u0007");
        assertThat(Printable.of(once)).isEqualTo(once);
        assertThat(Printable.of("abcdef", 3)).isEqualTo("abc...");
        assertThat(Printable.of("ab\ncd", 3)).isEqualTo("abX'0A'...");
        assertThat(Printable.of("abc", 3)).isEqualTo("abc");
    }

    @Test
    void aMessageShowsEveryTextArgumentPrintableAndNumbersAsNumbers() {
        assertThat(Msg.FTB0233W.format("C1 127.0.0.1:1", "job\n2024-01-01 00:00:00.000 FTB0230I forged", "\u001b[2J"))
                .isEqualTo("FTB0233W C1 127.0.0.1:1 FTP login of user jobX'0A'2024-01-01 00:00:00.000 FTB0230I forged refused: X'1B'[2J");
        assertThat(Msg.FTB0240W.format("C1", 4096)).contains(" longer than 4096 bytes");
        assertThat(Msg.FTB0203W.format("C1", null)).isEqualTo("FTB0203W C1 refused: null");
    }
}
