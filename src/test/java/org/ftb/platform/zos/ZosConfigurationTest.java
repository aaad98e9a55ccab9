package org.ftb.platform.zos;

import com.ibm.jzos.JzosSimulation;
import org.ftb.cli.Main;
import org.ftb.platform.Platform;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 8: the configuration read from MVS data sets through JZOS ZFile, here the simulated JZOS over
 * local files of EBCDIC records: a PARMLIB member of fixed 80-byte records with sequence numbers and
 * system symbols, by DD and by data set name.
 */
class ZosConfigurationTest {
    private static final Charset IBM1047 = Charset.forName("IBM1047");

    @TempDir
    Path dir;

    /** The lines of a member as ISPF keeps it with NUMBER ON: data in 1-71, column 72 blank, sequence numbers in 73-80. */
    static List<String> numbered(String... lines) {
        List<String> records = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            records.add(String.format("%-72s%08d", lines[i], (i + 1) * 100));
        }
        return records;
    }

    static List<String> member(int port) {
        return numbered(
                "/* FTBPRM01 on &SYSNAME.: a member as ISPF keeps it, in IBM-1047 */",
                "BROKER MAXSESSIONS(50) STOPTIMEOUT(5)  /* [brackets] differ in 037 */",
                "SOCKS  LISTEN(127.0.0.1:" + port + ")",
                "RULE   NAME(R&SYSCLONE.) DEST(*) ACTION(DENY)",
                "LOG    LEVEL(INFO)");
    }

    /** FTB.PARMLIB with member FTBPRM01, allocated to DD FTBPRM as the PROC does. */
    static void parmlib(Path dir, List<String> member) throws Exception {
        JzosSimulation.catalogPds("FTB.PARMLIB", dir.resolve("FTB.PARMLIB"), 80);
        JzosSimulation.writeFixedRecords(dir.resolve("FTB.PARMLIB").resolve("FTBPRM01"), member, 80, IBM1047);
        JzosSimulation.allocate("FTBPRM", "FTB.PARMLIB(FTBPRM01)");
        JzosSimulation.defineSymbol("SYSNAME", "SYSA");
        JzosSimulation.defineSymbol("SYSCLONE", "A1");
    }

    @BeforeEach
    @AfterEach
    void reset() {
        JzosSimulation.reset();
    }

    private record Run(int rc, String out) {
    }

    private static Run check(Platform platform, String... args) {
        StringWriter out = new StringWriter();
        List<String> all = new ArrayList<>(List.of("check"));
        all.addAll(List.of(args));
        int rc = Main.commandLine(platform).setOut(new PrintWriter(out)).setErr(new PrintWriter(out)).execute(all.toArray(String[]::new));
        return new Run(rc, out.toString());
    }

    @Test
    void anEbcdicFb80MemberWithSequenceNumbersAndSymbolsIsReadByDdAndByName() throws Exception {
        parmlib(dir, member(1080));
        for (String name : List.of("//DD:FTBPRM", "//DD:FTBPRM(FTBPRM01)", "//'FTB.PARMLIB(FTBPRM01)'", "//'ftb.parmlib(ftbprm01)'")) {
            Run run = check(new ZosPlatform(), "--config", name);
            assertThat(run.rc()).as(name + "\n" + run.out()).isZero();
            assertThat(run.out()).as(name)
                    .contains("FTB0146I " + name + " is data set //'FTB.PARMLIB(FTBPRM01)', fixed 80-byte records: columns 72-80 are ignored")
                    .contains("LISTEN(127.0.0.1:1080)", "NAME(RA1)", "MAXSESSIONS(50)", "0 error(s), 0 warning(s)")
                    .doesNotContain("00000100");
        }
    }

    @Test
    void anUnquotedNameGetsTheUserIdAsItsFirstQualifierAsZFileGivesIt() throws Exception {
        parmlib(dir, member(1080));
        JzosSimulation.catalogPds(JzosSimulation.USER_ID + ".PARMLIB", dir.resolve("FTB.PARMLIB"), 80);
        Run run = check(new ZosPlatform(), "--config", "//PARMLIB(FTBPRM01)");
        assertThat(run.rc()).as(run.out()).isZero();
        assertThat(run.out()).contains("is data set //'FTBSTC.PARMLIB(FTBPRM01)'");
    }

    @Test
    void theRecordFormatFlagStillDecidesForADataSet() throws Exception {
        parmlib(dir, member(1080));
        Run run = check(new ZosPlatform(), "--config", "//DD:FTBPRM", "--record-format", "STREAM");
        assertThat(run.rc()).isEqualTo(8);
        assertThat(run.out()).doesNotContain("FTB0146I").contains("00000100");
    }

    @Test
    void aVariableMemberWithIspfSequenceNumbersIsReadAsItIsWithAWarning() throws Exception {
        JzosSimulation.catalogVariablePds("FTB.VPARMLIB", dir.resolve("FTB.VPARMLIB"), 255);
        JzosSimulation.writeVariableRecords(dir.resolve("FTB.VPARMLIB").resolve("FTBPRM02"),
                List.of("00000100RULE NAME(ALL) DEST(*) ACTION(DENY)", "00000200LOG LEVEL(INFO)"), IBM1047);
        Run run = check(new ZosPlatform(), "--config", "//'FTB.VPARMLIB(FTBPRM02)'");
        assertThat(run.out()).contains("FTB0145W //'FTB.VPARMLIB(FTBPRM02)' has sequence numbers in columns 1-8; they are read as data")
                .doesNotContain("FTB0146I");
        assertThat(run.rc()).isEqualTo(8);

        JzosSimulation.writeVariableRecords(dir.resolve("FTB.VPARMLIB").resolve("FTBPRM03"),
                List.of("RULE NAME(ALL) DEST(*) ACTION(DENY)", "LOG LEVEL(INFO)"), IBM1047);
        Run clean = check(new ZosPlatform(), "--config", "//'FTB.VPARMLIB(FTBPRM03)'");
        assertThat(clean.rc()).as(clean.out()).isZero();
        assertThat(clean.out()).doesNotContain("FTB0145W", "FTB0146I");
    }

    @Test
    void aDataSetThatCannotBeOpenedGetsAClearMessage() throws Exception {
        parmlib(dir, member(1080));
        Run missingMember = check(new ZosPlatform(), "--config", "//DD:FTBPRM(FTBPRM09)");
        assertThat(missingMember.rc()).isEqualTo(8);
        assertThat(missingMember.out()).contains("FTB0128E Cannot read configuration //DD:FTBPRM(FTBPRM09): ", "could not be located");
        Run noDd = check(new ZosPlatform(), "--config", "//DD:NODD");
        assertThat(noDd.out()).contains("FTB0128E Cannot read configuration //DD:NODD: ", "not allocated");
    }

    @Test
    void offZosADataSetNameGetsAClearErrorNotAFileNotFound() {
        Run run = check(Platform.detect(), "--config", "//DD:FTBPRM");
        assertThat(run.rc()).isEqualTo(8);
        assertThat(run.out()).contains("FTB0128E Cannot read configuration //DD:FTBPRM: //DD:FTBPRM is an MVS data set name, "
                + "which can be read only on z/OS under the JZOS launcher");
    }
}
