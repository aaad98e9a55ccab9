package org.ftb.config;

import org.ftb.platform.CodePages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 8: a configuration file made with ISPF or OEDIT, untagged IBM-1047, is read as a UTF-8 one is. */
class ConfigLoaderEncodingTest {
    private static final String MEMBER = """
            /* FTBPRM00, edited with OEDIT */
            SOCKS LISTEN(127.0.0.1:1080 [::1]:1080) VERSIONS(4 5)
            RULE  NAME(MVSFTP) DEST(10.1.0.0/16 *.mvs.example.com) PORTS(21)
                  ACTION(DIRECT)
            RULE  NAME(OTHERS) DEST(*) ACTION(DENY)
            LOG   LEVEL(INFO) FILE('/var/ftb/ftb-&SYSNAME..log') AUDIT(NO)
            """;

    @TempDir
    Path dir;

    private ConfigLoader.Result load(Path file) {
        Symbols symbols = new Symbols(Map.of(), name -> name.equals("SYSNAME") ? Optional.of("SYS1") : Optional.empty());
        return new ConfigLoader(symbols, CodePages.IBM1047).load(file, null);
    }

    @Test
    void anUntaggedIbm1047ConfigurationGivesTheStatementsOfItsUtf8Twin() throws Exception {
        Path ebcdic = Files.write(dir.resolve("ftbprm00"), MEMBER.getBytes(CodePages.IBM1047));
        Path utf8 = Files.write(dir.resolve("ftbprm00.utf8"), MEMBER.getBytes(StandardCharsets.UTF_8));
        ConfigLoader.Result fromEbcdic = load(ebcdic);
        assertThat(fromEbcdic.diagnostics().all()).isEmpty();
        BrokerConfig config = fromEbcdic.config().orElseThrow();
        assertThat(config.rules()).extracting(r -> r.name()).containsExactly("MVSFTP", "OTHERS");
        assertThat(config.rules().get(0).destinations()).extracting(d -> d.text()).containsExactly("10.1.0.0/16", "*.mvs.example.com");
        assertThat(config.socks().listen()).extracting(Object::toString).containsExactly("127.0.0.1:1080", "[::1]:1080");
        assertThat(config.log().file()).contains(Path.of("/var/ftb/ftb-SYS1.log"));
        assertThat(ConfigPrinter.print(config)).isEqualTo(ConfigPrinter.print(load(utf8).config().orElseThrow()));
    }

    @Test
    void aFileThatIsNeitherUtf8NorIbm1047IsRefusedWithWhereItFailed() throws Exception {
        Path binary = Files.write(dir.resolve("ftbprm00"), new byte[] {0x40, 0x00, (byte) 0xFF});
        assertThat(load(binary).diagnostics().all()).extracting(Diagnostic::text).containsExactly("FTB0128E Cannot read configuration "
                + binary + ": the file is neither UTF-8 nor IBM-1047 text (UTF-8: byte X'FF' at offset 2; IBM-1047: byte X'00' at offset 1)");
    }
}
