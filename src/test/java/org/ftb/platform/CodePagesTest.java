package org.ftb.platform;

import org.ftb.message.Msg;
import org.ftb.message.Notice;
import org.junit.jupiter.api.Test;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Code pages by their z/OS names, and what happens when Java lacks one. */
class CodePagesTest {
    @Test
    void anUnknownPlatformCodePageFallsBackToIbm1047WithAWarningNotAnException() {
        CodePages.Choice choice = CodePages.choose("The platform code page", "IBM-924", CodePages.IBM1047);
        assertThat(choice.charset()).isEqualTo(CodePages.IBM1047);
        assertThat(choice.warning()).map(Notice::msg).contains(Msg.FTB0018W);
        assertThat(choice.warning()).map(Notice::text).contains(
                "FTB0018W The platform code page IBM-924 is not a character set this Java knows; IBM-1047 is used instead");
    }

    @Test
    void aKnownZosCodePageNameIsUsedWithoutAWarning() {
        CodePages.Choice choice = CodePages.choose("The platform code page", "IBM-037", CodePages.IBM1047);
        assertThat(choice.charset()).isEqualTo(Charset.forName("IBM037"));
        assertThat(choice.warning()).isEmpty();
    }

    @Test
    void ebcdicIsTheCodePagesWhereAIsNotX41() {
        assertThat(CodePages.isEbcdic(CodePages.IBM1047)).isTrue();
        assertThat(CodePages.isEbcdic(Charset.forName("IBM01141"))).isTrue();
        assertThat(CodePages.isEbcdic(StandardCharsets.UTF_8)).isFalse();
        assertThat(CodePages.isEbcdic(StandardCharsets.ISO_8859_1)).isFalse();
    }

    @Test
    void zosCodeSetNamesAreTheOnesChtagTakes() {
        assertThat(CodePages.zosName(CodePages.IBM1047)).contains("IBM-1047");
        assertThat(CodePages.zosName(Charset.forName("IBM037"))).contains("IBM-037");
        assertThat(CodePages.zosName(Charset.forName("IBM01141"))).contains("IBM-1141");
        assertThat(CodePages.zosName(StandardCharsets.ISO_8859_1)).contains("ISO8859-1");
        assertThat(CodePages.zosName(StandardCharsets.US_ASCII)).contains("ISO8859-1");
        assertThat(CodePages.zosName(StandardCharsets.UTF_8)).contains("UTF-8");
        assertThat(CodePages.zosName(StandardCharsets.UTF_16)).isEmpty();
    }
}
