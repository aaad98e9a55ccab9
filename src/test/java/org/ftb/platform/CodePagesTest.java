package org.ftb.platform;

import org.junit.jupiter.api.Test;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Code pages by their z/OS names, and what happens when Java lacks one. */
class CodePagesTest {
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
