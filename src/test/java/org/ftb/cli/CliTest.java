package org.ftb.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class CliTest {
    private record Run(int rc, String out) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(rc, out + err.toString());
    }

    @Test
    void everySampleConfigurationChecksClean() throws IOException {
        try (Stream<Path> samples = Files.list(Path.of("samples"))) {
            List<Path> configs = samples.filter(p -> p.getFileName().toString().startsWith("ftbprm")).toList();
            assertThat(configs).isNotEmpty();
            for (Path config : configs) {
                String format = config.toString().endsWith(".fb80") ? "FB80" : "STREAM";
                Run run = run("check", "--config", config.toString(), "--record-format", format);
                assertThat(run.rc()).as(config + ": " + run.out()).isZero();
                assertThat(run.out()).contains("FTB0134I Configuration " + config + ": RC 0, 0 error(s), 0 warning(s)");
            }
        }
    }

    @Test
    void checkOfABrokenConfigurationPrintsEveryErrorAndReturns8(@TempDir Path dir) throws IOException {
        Path broken = dir.resolve("broken.txt");
        Files.writeString(broken, """
                BROKER MAXSESSIONS(0)
                SOCKS LISTEN(127.0.0.1:99999) VERSIONS(4 5)
                RULE NAME(A) DEST(*) PORTS(21-x) ACTION(DIRECT)
                RULE NAME(A) ACTION(MAYBE)
                """);
        Run run = run("check", "--config", broken.toString());
        assertThat(run.rc()).isEqualTo(8);
        assertThat(run.out()).contains(
                "FTB0116E line 1 column 20: MAXSESSIONS(0) must be a whole number from 1 to 1000000",
                "FTB0118E line 2 column 14: LISTEN(127.0.0.1:99999)",
                "FTB0120E line 3 column 28: PORTS(21-x)",
                "FTB0121E line 4 column 6: rule name A is used twice; the first is on line 3",
                "FTB0117E line 4 column 21: ACTION(MAYBE) must be one of DIRECT, DENY, TUNNEL, FTPTUNNEL",
                "RC 8, 5 error(s), 0 warning(s)");
        assertThat(run.out()).doesNotContain("Effective configuration");
    }

    @Test
    void checkWithWarningsReturns4AndPrintsTheEffectiveConfiguration(@TempDir Path dir) throws IOException {
        Path config = dir.resolve("warn.txt");
        Files.writeString(config, "RULE NAME(FTP) DEST(ftp.&SITE.) PORTS(21) ACTION(FTPTUNNEL) VIA(GW)\n");
        Run run = run("check", "--config", config.toString(), "--symbol", "SITE=example.com");
        assertThat(run.rc()).isEqualTo(4);
        assertThat(run.out()).contains("RULE NAME(FTP) DEST(ftp.example.com) PORTS(21) ACTION(FTPTUNNEL) VIA(GW) AUTH(FTPLOGIN) FALLBACK(NO)");
    }

    @Test
    void brokerRefusesToStartWithTunnelRulesOrErrors(@TempDir Path dir) throws IOException {
        Path config = dir.resolve("tunnel.txt");
        Files.writeString(config, "SOCKS LISTEN(127.0.0.1:1)\nRULE NAME(FTP) ACTION(FTPTUNNEL) VIA(GW)\n");
        assertThat(run("broker", "--config", config.toString()).rc()).isEqualTo(8);
        Files.writeString(config, "RULE NAME(FTP) ACTION(NOTHING)\n");
        assertThat(run("broker", "--config", config.toString()).rc()).isEqualTo(8);
    }

    @Test
    void matchExplainsTheDecision(@TempDir Path dir) throws IOException {
        Path config = dir.resolve("rules.txt");
        Files.writeString(config, "RULE NAME(MVS) DEST(10.1.0.0/16) PORTS(21) ACTION(DIRECT)\nRULE NAME(REST) ACTION(DENY)\n");
        Run hit = run("match", "--config", config.toString(), "10.1.2.3:21");
        assertThat(hit.rc()).isZero();
        assertThat(hit.out()).contains("FTB0401I 10.1.2.3:21: rule MVS (line 1): DEST 10.1.0.0/16 matches 10.1.2.3, PORTS 21 matches 21, ACTION(DIRECT)",
                "FTB0401I ACTION DIRECT RULE MVS");
        assertThat(run("match", "--config", config.toString(), "[2001:db8::1]:21").out()).contains("ACTION DENY RULE REST");
        Run bad = run("match", "--config", config.toString(), "nohost");
        assertThat(bad.rc()).isEqualTo(8);
        assertThat(bad.out()).contains("FTB0402E nohost is not HOST:PORT");
    }

    @Test
    void usageErrorsReturn12AndHelpAndVersionWork() {
        assertThat(run("check").rc()).isEqualTo(12);
        assertThat(run("check", "--config", "x", "--symbol", "9BAD=1").out()).contains("FTB0403E --symbol 9BAD=1");
        assertThat(run("--help").out()).contains("broker", "check", "match", "passwd");
        assertThat(run("--version").out()).startsWith("ftb ");
    }
}
