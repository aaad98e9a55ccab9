package org.ftb.platform;

import org.ftb.message.Notice;
import org.junit.jupiter.api.Test;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The console's code page under the JZOS launcher, chosen from STDENV's variables as IBM documents them. */
class LauncherEncodingsTest {
    private static final Charset IBM037 = Charset.forName("IBM037");
    private static final Map<String, String> NO_TRANSCODING = Map.of("JZOS_ENABLE_OUTPUT_TRANSCODING", "false");

    @Test
    void theConsoleIsInJzosOutputEncodingWhenItIsSet() {
        LauncherEncodings encodings = new LauncherEncodings("IBM-1047",
                Map.of("JZOS_OUTPUT_ENCODING", "IBM-037", "JZOS_ENABLE_OUTPUT_TRANSCODING", "false"), StandardCharsets.UTF_8);
        assertThat(encodings.console()).isEqualTo(IBM037);
        assertThat(encodings.platform()).isEqualTo(CodePages.IBM1047);
        assertThat(encodings.warnings()).isEmpty();
    }

    @Test
    void theConsoleIsInThePlatformCodePageWithoutJzosOutputEncoding() {
        LauncherEncodings encodings = new LauncherEncodings("IBM-1047", NO_TRANSCODING, StandardCharsets.UTF_8);
        assertThat(encodings.console()).isEqualTo(CodePages.IBM1047);
        assertThat(encodings.warnings()).isEmpty();
    }

    @Test
    void semeru17WhoseFileEncodingIsThePlatformsNeedsNoWarning() {
        assertThat(new LauncherEncodings("IBM-1047", Map.of(), CodePages.IBM1047).warnings()).isEmpty();
    }

    @Test
    void transcodingLeftOnWithAnotherFileEncodingIsWarnedOfWithTheFix() {
        LauncherEncodings semeru21 = new LauncherEncodings("IBM-1047", Map.of(), StandardCharsets.UTF_8);
        assertThat(semeru21.console()).isEqualTo(CodePages.IBM1047);
        assertThat(semeru21.warnings()).extracting(Notice::text).containsExactly("FTB0019W JZOS output transcoding is on, and file.encoding"
                + " UTF-8 is not the console's code page IBM-1047: the launcher would convert the log lines once more and garble them;"
                + " export JZOS_ENABLE_OUTPUT_TRANSCODING=false in STDENV");
        assertThat(new LauncherEncodings("IBM-1047", Map.of("JZOS_ENABLE_OUTPUT_TRANSCODING", "true"), StandardCharsets.ISO_8859_1)
                .warnings()).extracting(Notice::text).singleElement().asString().startsWith("FTB0019W");
        assertThat(new LauncherEncodings("IBM-1047", Map.of("JZOS_ENABLE_OUTPUT_TRANSCODING", " FALSE "), StandardCharsets.UTF_8)
                .warnings()).isEmpty();
    }

    @Test
    void anUnknownPlatformCodePageFallsBackToIbm1047WithAWarning() {
        LauncherEncodings encodings = new LauncherEncodings("IBM-924", NO_TRANSCODING, StandardCharsets.UTF_8);
        assertThat(encodings.platform()).isEqualTo(CodePages.IBM1047);
        assertThat(encodings.console()).isEqualTo(CodePages.IBM1047);
        assertThat(encodings.warnings()).extracting(Notice::text).containsExactly(
                "FTB0018W The platform code page IBM-924 is not a character set this Java knows; IBM-1047 is used instead");
    }

    @Test
    void anUnknownJzosOutputEncodingFallsBackToThePlatformCodePageWithAWarning() {
        Map<String, String> environment = Map.of("JZOS_OUTPUT_ENCODING", "IBM-924", "JZOS_ENABLE_OUTPUT_TRANSCODING", "false");
        LauncherEncodings encodings = new LauncherEncodings("IBM-037", environment, StandardCharsets.UTF_8);
        assertThat(encodings.console()).isEqualTo(IBM037);
        assertThat(encodings.warnings()).extracting(Notice::text).containsExactly(
                "FTB0018W JZOS_OUTPUT_ENCODING IBM-924 is not a character set this Java knows; IBM-037 is used instead");
    }
}
