package org.ftb.install;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 8: every member of {@code jcl/} keeps the JCL column and naming rules, so that it can be
 * transferred as text into an FB80 library and submitted or started as it is; the procedure and the
 * pieces that name it agree. The rules themselves are shown to catch each kind of mistake.
 */
class JclMembersTest {
    static final Path JCL = Path.of("jcl");
    /** Members of jcl/ that are not JCL: the TCP/IP profile statements to merge. */
    static final Set<String> DATA_MEMBERS = Set.of("FTBTCPIP");

    /** Every member of jcl/, by member name, with its lines. */
    static Map<String, List<String>> members() throws IOException {
        Map<String, List<String>> members = new TreeMap<>();
        try (Stream<Path> files = Files.list(JCL)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                members.put(name.endsWith(".jcl") ? name.substring(0, name.length() - 4) : name,
                        Files.readAllLines(file, StandardCharsets.US_ASCII));
            }
        }
        return members;
    }

    @Test
    void everyFileInJclIsAMemberNamedAsAPartitionedDataSetAllows() throws IOException {
        try (Stream<Path> files = Files.list(JCL)) {
            List<String> names = files.map(p -> p.getFileName().toString()).toList();
            assertThat(names).isNotEmpty().allSatisfy(name ->
                    assertThat(name).as("file name in jcl/: MEMBER.jcl").matches("[A-Z@#$][A-Z0-9@#$]{0,7}\\.jcl"));
        }
        assertThat(members().keySet()).contains("FTBPROC", "FTBRACF", "FTBTCPIP", "FTBINST", "FTBFTPJ");
    }

    @Test
    void everyJclMemberKeepsTheColumnNamingAndSymbolRules() throws IOException {
        List<String> problems = new ArrayList<>();
        members().forEach((member, lines) -> {
            if (DATA_MEMBERS.contains(member)) {
                return;
            }
            assertThat(lines.get(0)).as(member + ": a job or procedure starts with //").startsWith("//");
            problems.addAll(JclRules.check(member, lines));
        });
        assertThat(problems).isEmpty();
    }

    @Test
    void theTcpipSnippetIsProfileStatementsInColumns1To71() throws IOException {
        List<String> lines = members().get("FTBTCPIP");
        assertThat(JclRules.checkCharacters("FTBTCPIP", lines, 71)).isEmpty();
        for (String line : lines) {
            String statement = line.contains(";") ? line.substring(0, line.indexOf(';')) : line;
            if (!statement.isBlank()) {
                assertThat(statement.trim()).as("FTBTCPIP: an active statement").startsWith("PORT ");
            }
        }
    }

    @Test
    void eachJobIsNamedAsItsMemberAndTheProcedureIsStartedTaskFtb() throws IOException {
        members().forEach((member, lines) -> {
            if (DATA_MEMBERS.contains(member)) {
                return;
            }
            JclRules.Statement first = JclRules.statements(lines).get(0);
            if (member.equals("FTBPROC")) {
                assertThat(first.operation()).isEqualTo("PROC");
                assertThat(first.name()).as("S FTB starts PROCLIB member FTB").isEqualTo("FTB");
            } else {
                assertThat(first.operation()).as(member).isEqualTo("JOB");
                assertThat(first.name()).as(member + ": job name").isEqualTo(member);
            }
        });
    }

    /** The decided design: other code and the documentation depend on these names. */
    @Test
    void theProcedureHasTheDecidedSymbolsAndDdNames() throws IOException {
        List<JclRules.Statement> proc = JclRules.statements(members().get("FTBPROC"));
        assertThat(proc.get(0).parameters()).containsExactly("JV=17", "M=00", "LOG='+I'", "HLQ=FTB", "LIB='SYS1.SIEALNKE'");
        JclRules.Statement exec = proc.stream().filter(s -> s.operation().equals("EXEC")).findFirst().orElseThrow();
        assertThat(exec.parameters()).containsExactly("PGM=JVMLDM&JV", "REGION=0M", "TIME=NOLIMIT", "PARM='/&LOG'");
        Map<String, String> dds = new TreeMap<>();
        proc.stream().filter(s -> s.operation().equals("DD")).forEach(s -> dds.put(s.name(), s.operands()));
        assertThat(dds).containsEntry("STEPLIB", "DISP=SHR,DSN=&LIB")
                .containsEntry("STDENV", "DISP=SHR,DSN=&HLQ..PARMLIB(FTBENV&JV)")
                .containsEntry("MAINARGS", "DISP=SHR,DSN=&HLQ..PARMLIB(FTBARGS)")
                .containsEntry("FTBPRM", "DISP=SHR,DSN=&HLQ..PARMLIB(FTBPRM&M)")
                .containsEntry("ABNLIGNR", "DUMMY");
        for (String sysout : List.of("SYSOUT", "SYSPRINT", "STDOUT", "STDERR", "CEEDUMP")) {
            assertThat(dds).containsEntry(sysout, "SYSOUT=*");
        }
        String comments = String.join("\n", members().get("FTBPROC"));
        assertThat(comments).contains("S FTB,M=01", "F FTB,APPL=DISPLAY", "F FTB,APPL=HELP", "F FTB,APPL=STOP", "P FTB",
                "C FTB               LAST RESORT ONLY").doesNotContainIgnoringCase("stopped with C FTB");
    }

    // ---- the rules catch what they are meant to catch ----

    record Broken(String why, List<String> lines, String expected) {
        @Override
        public String toString() {
            return why;
        }
    }

    private static final String PROC = "//FTB      PROC HLQ=FTB";
    private static final String DD = "//STDENV   DD DISP=SHR,DSN=&HLQ..PARMLIB(FTBENV17)";

    static Stream<Broken> broken() {
        return Stream.of(
                new Broken("a line over 80 columns", List.of(PROC, "//* " + "X".repeat(80), DD), "more than 80"),
                new Broken("a tab", List.of(PROC, "//STDENV\tDD DISP=SHR,DSN=&HLQ..PARMLIB(FTBENV17)"), "tab"),
                new Broken("a character IBM-037 and IBM-1047 encode differently", List.of(PROC, "//* [X]", DD), "IBM-037"),
                new Broken("statement text in column 72",
                        List.of(PROC, String.format("%-71sX", DD)), "column 72 holds 'X'"),
                new Broken("statement text beyond column 72",
                        List.of(PROC, String.format("%-72s00000100", DD)),
                        "beyond column 72"),
                new Broken("a name over 8 characters", List.of(PROC, "//STDENVIRO DD DISP=SHR,DSN=&HLQ..PARMLIB(X)"), "name STDENVIRO"),
                new Broken("a name starting with a digit", List.of(PROC, "//1STDENV  DD DISP=SHR,DSN=&HLQ..PARMLIB(X)"), "name 1STDENV"),
                new Broken("continued text beyond column 16",
                        List.of(PROC, "//STDENV   DD DISP=SHR,", "//                 DSN=&HLQ..PARMLIB(X)"), "starts in column 20"),
                new Broken("a comma and no continuation", List.of(PROC, "//STDENV   DD DISP=SHR,", "//* COMMENT"), "continuation expected"),
                new Broken("a continuation without the comma",
                        List.of(PROC, "//STDENV   DD DISP=SHR", "//            DSN=&HLQ..PARMLIB(X)"), "unknown operation DSN="),
                new Broken("a symbol the PROC statement does not define", List.of(PROC, DD, "//X        DD DSN=&LIB,DISP=SHR"),
                        "symbol &LIB is not defined"),
                new Broken("a PROC symbol never used", List.of("//FTB      PROC HLQ=FTB,LIB=X", DD), "&LIB is never used"),
                new Broken("a literal qualifier over 8 characters", List.of(PROC, "//X        DD DISP=SHR,DSN=FTB.PARMLIBRARY,DISP=SHR", DD),
                        "qualifier 'PARMLIBRARY'"),
                new Broken("a symbol default making a qualifier over 8 characters",
                        List.of("//FTB      PROC HLQ=FTBHLQTOOLONG", DD), "qualifier 'FTBHLQTOOLONG'"),
                new Broken("a member name over 8 characters", List.of(PROC, "//X        DD DISP=SHR,DSN=&HLQ..PARMLIB(FTBENV17X)"),
                        "member name FTBENV17X"),
                new Broken("lower case outside apostrophes", List.of(PROC, "//STDENV   DD disp=shr,DSN=&HLQ..PARMLIB(X)"), "lower case"),
                new Broken("a delimiter outside in-stream data", List.of(PROC, DD, "/*"), "delimiter /* outside"),
                new Broken("a line that is no JCL", List.of(PROC, DD, "DISPLAY"), "neither a JCL statement"),
                new Broken("in-stream data not ended", List.of("//J        JOB", "//S        EXEC PGM=IKJEFT01",
                        "//SYSTSIN  DD DATA,DLM=$$", "LISTUSER"), "not ended by $$"),
                new Broken("in-stream data beyond column 71", List.of("//J        JOB", "//S        EXEC PGM=IKJEFT01",
                        "//SYSTSIN  DD *", "LISTUSER" + " ".repeat(66) + "0001", "/*"), "in-stream data beyond column 71"),
                new Broken("an in-stream symbol that is not exported", List.of("//J        JOB", "//         SET U=FTBSTC",
                        "//S        EXEC PGM=IKJEFT01", "//SYSTSIN  DD *,SYMBOLS=JCLONLY", "LISTUSER &U", "/*"), "not exported"),
                new Broken("an in-stream symbol that is not set", List.of("//J        JOB", "//         EXPORT SYMLIST=*",
                        "//S        EXEC PGM=IKJEFT01", "//SYSTSIN  DD *,SYMBOLS=JCLONLY", "LISTUSER &U", "/*"), "not defined by SET"),
                new Broken("apostrophes left open", List.of(PROC, "//S        EXEC PGM=X,PARM='/A", "//* X", DD),
                        "apostrophes are not closed"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("broken")
    void theRulesCatchABrokenMember(Broken broken) {
        assertThat(JclRules.check("BROKEN", broken.lines())).anySatisfy(p -> assertThat(p).contains(broken.expected()));
    }

    @Test
    void theRulesPassAWellFormedMember() {
        assertThat(JclRules.check("GOOD", List.of(
                "//GOOD     JOB (ACCT),'A JOB',CLASS=A,",
                "//             NOTIFY=&SYSUID",
                "//         EXPORT SYMLIST=*",
                "//         SET HLQ=FTB         COMMENT: &NOTASYMBOL",
                "//* A COMMENT",
                "//S        EXEC PGM=IKJEFT01",
                "//SYSTSPRT DD SYSOUT=*",
                "//SYSTSIN  DD DATA,DLM=$$,SYMBOLS=JCLONLY",
                "/* a TSO comment, not a delimiter in DD DATA */",
                "  LISTDSD DATASET('&HLQ..**')",
                "$$",
                "//X        DD DISP=SHR,",
                "//            DSN=&HLQ..PARMLIB(FTBPRM00)",
                "//Y        DD PATH='/lower/case/is/fine',PATHOPTS=ORDONLY"))).isEmpty();
    }
}
