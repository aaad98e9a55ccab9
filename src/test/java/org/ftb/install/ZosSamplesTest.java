package org.ftb.install;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 8: the samples that become members of the PARMLIB data set (their file names are member
 * names) have the record layout their readers expect: FTBPRM00 is FB80 with sequence numbers, the
 * STDENV scripts and the FTP client members stay within columns 1-71, and they agree with the
 * procedure, the install job and each other. {@link org.ftb.cli} checks FTBPRM00 with {@code ftb check}.
 */
class ZosSamplesTest {
    static final Path SAMPLES = Path.of("samples");

    /** The samples whose file names are member names: what FTBINST copies into the PARMLIB. */
    static Set<String> members() throws IOException {
        try (Stream<Path> files = Files.list(SAMPLES)) {
            Set<String> members = new TreeSet<>();
            files.map(p -> p.getFileName().toString()).filter(n -> n.matches("[A-Z@#$][A-Z0-9@#$]{0,7}")).forEach(members::add);
            return members;
        }
    }

    static List<String> lines(String sample) throws IOException {
        return Files.readAllLines(SAMPLES.resolve(sample), StandardCharsets.US_ASCII);
    }

    @Test
    void theMemberSamplesAreExactlyWhatTheInstallJobCopiesIntoThePds() throws IOException {
        assertThat(members()).containsExactly("FTBARGS", "FTBENV17", "FTBENV21", "FTBFTPD", "FTBPRM00", "FTBSOCKS");
        String install = String.join("\n", JclMembersTest.members().get("FTBINST"));
        Matcher copy = Pattern.compile("(?m)^cp (FTB[A-Z0-9 ]+)$\\n\"//'&HLQ\\.\\.PARMLIB'\";$").matcher(install);
        assertThat(copy.find()).as("FTBINST copies the members into &HLQ..PARMLIB").isTrue();
        assertThat(new TreeSet<>(List.of(copy.group(1).trim().split(" ")))).isEqualTo(members());
        for (String member : members()) {
            assertThat(JclRules.checkCharacters(member, lines(member), 80)).isEmpty();
        }
    }

    @Test
    void ftbprm00IsAnFb80MemberWithSequenceNumbersInColumns73To80() throws IOException {
        List<String> lines = lines("FTBPRM00");
        long previous = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String where = "FTBPRM00 line " + (i + 1);
            assertThat(line).as(where + ": 80 columns").hasSize(80);
            assertThat(line.charAt(71)).as(where + ": column 72").isEqualTo(' ');
            assertThat(line.substring(72)).as(where + ": sequence number in 73-80").matches("\\d{8}");
            long sequence = Long.parseLong(line.substring(72));
            assertThat(sequence).as(where + ": sequence numbers ascend").isGreaterThan(previous);
            previous = sequence;
        }
    }

    @Test
    void theStdenvScriptsOnlyExportWithin71ColumnsForTheirJavaLevel() throws IOException {
        for (String level : List.of("17", "21")) {
            String member = "FTBENV" + level;
            List<String> lines = lines(member);
            assertThat(JclRules.checkCharacters(member, lines, 71)).isEmpty();
            List<String> exports = new ArrayList<>();
            for (String line : lines) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    assertThat(line).as(member + ": only exports").startsWith("export ");
                    exports.add(line);
                }
            }
            assertThat(String.join("\n", lines)).doesNotContainPattern("(?m)^\\s*exit\\b");
            assertThat(exports).contains("export JAVA_HOME=/usr/lpp/java/J" + level + ".0_64",
                    "export PATH=/bin:\"${JAVA_HOME}\"/bin",
                    "export LIBPATH=/lib:/usr/lib:\"${JAVA_HOME}\"/lib:\"${JAVA_HOME}\"/lib/j9vm",
                    "export CLASSPATH=/usr/lpp/ftb/lib/ftb.jar",
                    "export JZOS_ENABLE_OUTPUT_TRANSCODING=false");
            String options = exports.stream().filter(e -> e.startsWith("export IBM_JAVA_OPTIONS=")).findFirst().orElseThrow();
            assertThat(options).as(member + ": a bounded heap").containsPattern("-Xmx\\d+m").containsPattern("-Xms\\d+m");
            if (level.equals("21")) {
                assertThat(options).contains("-Dfile.encoding=COMPAT");
            } else {
                assertThat(options).doesNotContain("file.encoding");
            }
            assertThat(String.join("\n", lines)).contains("JZOS_OUTPUT_ENCODING");
        }
        String install = String.join("\n", JclMembersTest.members().get("FTBINST"));
        assertThat(install).as("FTBINST installs the jar the CLASSPATH names").contains("P=/usr/lpp/ftb;", "$P/lib/ftb.jar;");
    }

    @Test
    void mainArgsStartTheBrokerWithTheConfigurationDdOfTheProcedure() throws Exception {
        assertThat(lines("FTBARGS")).containsExactly("org.ftb.cli.Main broker --config //DD:FTBPRM");
        assertThat(Class.forName("org.ftb.cli.Main").getMethod("main", String[].class)).isNotNull();
        List<JclRules.Statement> proc = JclRules.statements(JclMembersTest.members().get("FTBPROC"));
        assertThat(proc).anySatisfy(s -> {
            assertThat(s.name()).isEqualTo("FTBPRM");
            assertThat(s.operation()).isEqualTo("DD");
        });
        assertThat(members()).as("the members FTBPROC names, for JV=17 and 21 and M=00")
                .contains("FTBENV17", "FTBENV21", "FTBARGS", "FTBPRM00");
    }

    @Test
    void theFtpClientMembersSendThePartnersThroughTheBrokerInPassiveMode() throws IOException {
        for (String member : List.of("FTBFTPD", "FTBSOCKS")) {
            List<String> lines = lines(member);
            assertThat(JclRules.checkCharacters(member, lines, 71)).isEmpty();
            assertThat(lines).as(member + ": comments start with ;").allSatisfy(l -> {
                if (!l.isBlank() && !l.startsWith(";")) {
                    assertThat(l).matches("[A-Z_]+ .*");
                }
            });
        }
        List<String> ftpData = active(lines("FTBFTPD"));
        assertThat(ftpData).containsExactly("SOCKSCONFIGFILE 'FTB.PARMLIB(FTBSOCKS)'", "FWFRIENDLY TRUE");
        List<String> socks = active(lines("FTBSOCKS"));
        assertThat(socks).last().isEqualTo("DIRECT 0.0.0.0 0.0.0.0");
        assertThat(socks.subList(0, socks.size() - 1)).isNotEmpty()
                .allSatisfy(l -> assertThat(l).matches("SOCKD @=127\\.0\\.0\\.1 \\d+\\.\\d+\\.\\d+\\.\\d+ \\d+\\.\\d+\\.\\d+\\.\\d+"));
        assertThat(String.join("\n", lines("FTBSOCKS"))).contains("UNCONFIRMED");
    }

    @Test
    void theTcpipReservationsAreThePortsOfFtbprm00ForTheStartedTaskFtb() throws IOException {
        List<String> tcpip = JclMembersTest.members().get("FTBTCPIP");
        List<String> active = active(tcpip);
        assertThat(active).containsExactly("PORT 1080 TCP FTB NOAUTOLOG");
        String config = String.join("\n", lines("FTBPRM00"));
        assertThat(config).contains("SOCKS   LISTEN(127.0.0.1:1080)", "PORTS(50000-50999)");
        assertThat(tcpip).contains(";PORTRANGE 50000 1000 TCP FTB     ; FTB PASSIVE DATA PORTS");
        String racf = String.join("\n", JclMembersTest.members().get("FTBRACF"));
        assertThat(racf).contains("RDEFINE  STARTED FTB.*");
    }

    /** The statements of a member whose comments start with a free-standing ';', blanks collapsed. */
    private static List<String> active(List<String> lines) {
        List<String> active = new ArrayList<>();
        for (String line : lines) {
            String statement = line.startsWith(";") ? "" : line.split(" ;", 2)[0];
            if (!statement.isBlank()) {
                active.add(statement.trim().replaceAll(" +", " "));
            }
        }
        return active;
    }
}
