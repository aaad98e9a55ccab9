package org.ftb.platform.zos;

import com.ibm.jzos.JzosSimulation;
import com.ibm.jzos.JzosSimulation.Wto;
import org.ftb.cli.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 8: the broker as a started task, through the simulated JZOS: configured from a PARMLIB member,
 * answering MODIFY on the MVS console with one multi-line WTO that fits it, writing its life cycle by
 * WTO with the documented codes, and ending on STOP by itself (handleStop returns false) with RC 0.
 */
@Timeout(60)
class StartedTaskTest {
    private static final int ROUTE_INFORMATION = 0x4000 | 0x0020;

    @TempDir
    Path dir;

    private PrintStream savedOut;
    private PrintStream savedErr;
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

    /** java.io.tmpdir before the test: each test's broker has its ftb ctl endpoint in its own folder. */
    private String tmpdir;

    @BeforeEach
    void simulateTheStartedTask() {
        tmpdir = System.setProperty("java.io.tmpdir", dir.toString());
        JzosSimulation.reset();
        savedOut = System.out;
        savedErr = System.err;
        System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setProperty("java.io.tmpdir", tmpdir);
        System.setOut(savedOut);
        System.setErr(savedErr);
        JzosSimulation.reset();
        // The broker set the log up in IBM-1047: the tests after this one log as the tests do.
        org.ftb.testing.AppliedLog.undoOnClose().close();
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static CompletableFuture<Integer> start(String... args) {
        StringWriter picocli = new StringWriter();
        return CompletableFuture.supplyAsync(() -> Main.commandLine(new ZosPlatform())
                .setOut(new PrintWriter(picocli)).setErr(new PrintWriter(picocli)).execute(args));
    }

    private static List<Wto> withId(String id) {
        return JzosSimulation.wtos().stream().filter(w -> w.text().startsWith(id)).toList();
    }

    @Test
    void modifyDisplayIsAnsweredOnTheConsoleAndStopEndsGracefullyWithRcZero() throws Exception {
        int port = freePort();
        ZosConfigurationTest.parmlib(dir, ZosConfigurationTest.member(port));
        JzosSimulation.startParameters("M=01");
        CompletableFuture<Integer> broker = start("broker", "--config", "//DD:FTBPRM");
        await().atMost(Duration.ofSeconds(20)).until(() -> !withId("FTB0003I").isEmpty() && JzosSimulation.callbackRegistered());

        assertThat(withId("FTB0001I")).singleElement().satisfies(w -> {
            assertThat(w.routing()).isEqualTo(ROUTE_INFORMATION);
            assertThat(w.descriptor()).as("descriptor code 4, system status").isEqualTo(0x1000);
        });
        assertThat(withId("FTB0002I").get(0).text()).contains("127.0.0.1:" + port);
        assertThat(withId("FTB0015I")).singleElement().extracting(Wto::text)
                .isEqualTo("FTB0015I MVS console commands are taken: F FTB,APPL=command and P FTB; START parameters: M=01");
        assertThat(JzosSimulation.wtos()).as("routine records never reach the console")
                .noneMatch(w -> w.text().startsWith("FTB0200I") || w.text().startsWith("FTB0146I") || w.text().startsWith("FTB0300I"));

        JzosSimulation.modify("display");
        Wto display = withId("FTB0310I").get(0);
        assertThat(display.descriptor()).as("descriptor code 5, command response").isEqualTo(0x0800);
        assertThat(display.routing()).isEqualTo(ROUTE_INFORMATION);
        assertThat(display.lines()).as("one multi-line WTO").hasSizeGreaterThan(4)
                .allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(70));
        assertThat(display.lines().get(0)).matches("FTB0310I FTB DISPLAY \\S+ ACTIVE UP \\d+:\\d\\d:\\d\\d");
        assertThat(display.lines()).contains(" LISTEN   127.0.0.1:" + port);

        JzosSimulation.modify("dsiplay");
        assertThat(JzosSimulation.wtos().get(JzosSimulation.wtos().size() - 1).text())
                .isEqualTo("FTB0301E Unknown command DSIPLAY; HELP lists the commands");

        assertThat(JzosSimulation.stop()).as("handleStop leaves the ending to the broker").isFalse();
        assertThat(broker.get(20, TimeUnit.SECONDS)).isZero();
        assertThat(withId("FTB0004I")).singleElement().extracting(Wto::text).asString()
                .startsWith("FTB0004I STOP from the MVS STOP command: accepting no new connections");
        assertThat(withId("FTB0005I")).hasSize(1);
        String out = stdout.toString(java.nio.charset.Charset.forName("IBM1047"));
        assertThat(out).as("STDOUT is written in the platform code page").contains("FTB0004I", "FTB0005I")
                .doesNotContain("Exception", "\tat ");
        assertThat(stderr.toString(StandardCharsets.UTF_8)).as("no stack trace").isEmpty();

        JzosSimulation.modify("D");
        assertThat(withId("FTB0310I")).as("a stopped broker answers no more commands").hasSize(1);
    }

    @Test
    void issue9EveryCommandThroughModifyIsAnsweredByOneWtoThatFitsTheConsole() throws Exception {
        int port = freePort();
        ZosConfigurationTest.parmlib(dir, ZosConfigurationTest.member(port));
        CompletableFuture<Integer> broker = start("broker", "--config", "//DD:FTBPRM");
        await().atMost(Duration.ofSeconds(20)).until(() -> !withId("FTB0003I").isEmpty() && JzosSimulation.callbackRegistered());
        Map<String, String> answers = new java.util.LinkedHashMap<>();
        answers.put("D", "FTB0310I");
        answers.put("D SESSIONS", "FTB0340I");
        answers.put("D RULES", "FTB0341I");
        answers.put("D SSH", "FTB0342I");
        answers.put("D CONFIG", "FTB0343I");
        answers.put("TRACE ON", "FTB0318I");
        answers.put("TRACE OFF", "FTB0318I");
        answers.put("DRAIN", "FTB0313I");
        answers.put("RESUME", "FTB0314I");
        answers.put("CANCEL SESSION=C999", "FTB0317E");
        answers.put("RELOAD", "FTB0304I");
        answers.put("HELP", "FTB0311I");
        answers.put("P FORCE", "FTB0303I");
        for (Map.Entry<String, String> command : answers.entrySet()) {
            int before = JzosSimulation.wtos().size();
            JzosSimulation.modify(command.getKey());
            List<Wto> responses = JzosSimulation.wtos().subList(before, JzosSimulation.wtos().size()).stream()
                    .filter(w -> w.descriptor() == 0x0800).toList();
            assertThat(responses).as(command.getKey()).singleElement().satisfies(w -> {
                assertThat(w.lines().get(0)).startsWith(command.getValue());
                assertThat(w.lines()).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(70));
            });
        }
        assertThat(broker.get(20, TimeUnit.SECONDS)).isZero();
        assertThat(withId("FTB0017W")).as("STOP FORCE is a life-cycle message").singleElement().extracting(Wto::text).asString()
                .startsWith("FTB0017W STOP FORCE from MODIFY");
        assertThat(withId("FTB0304I")).as("a RELOAD is told on the console, whoever gave it").hasSize(2);
    }

    @Test
    void configurationErrorsAtStartReachTheConsole() throws Exception {
        ZosConfigurationTest.parmlib(dir, ZosConfigurationTest.numbered("SOCKS LISTEN(127.0.0.1:99999)", "RULE NAME(A) DEST(*) ACTION(NONE)"));
        CompletableFuture<Integer> broker = start("broker", "--config", "//DD:FTBPRM");
        assertThat(broker.get(20, TimeUnit.SECONDS)).isEqualTo(8);
        assertThat(withId("FTB0118E")).singleElement().satisfies(w -> {
            assertThat(w.text()).startsWith("FTB0118E line 1 column 14: LISTEN(127.0.0.1:99999)");
            assertThat(w.descriptor()).as("descriptor code 12, important information").isEqualTo(0x0010);
        });
        assertThat(withId("FTB0117E")).hasSize(1);
        assertThat(withId("FTB0007E")).singleElement().extracting(Wto::text).asString()
                .isEqualTo("FTB0007E Configuration //DD:FTBPRM has errors (RC 8); the broker did not start");
        assertThat(JzosSimulation.callbackRegistered()).isFalse();
    }

    @Test
    void aLogFileThatCannotBeWrittenStopsTheStartOnTheConsole() throws Exception {
        java.nio.file.Files.createDirectories(dir.resolve("taken"));
        ZosConfigurationTest.parmlib(dir, ZosConfigurationTest.numbered("SOCKS LISTEN(127.0.0.1:" + freePort() + ")",
                "RULE NAME(A) DEST(*) ACTION(DENY)", "LOG FILE('" + dir.resolve("taken") + "')"));
        CompletableFuture<Integer> broker = start("broker", "--config", "//DD:FTBPRM");
        assertThat(broker.get(20, TimeUnit.SECONDS)).isEqualTo(8);
        assertThat(JzosSimulation.wtos()).as("FTB0140E and FTB0007E")
                .anyMatch(w -> w.text().startsWith("FTB0007E Configuration //DD:FTBPRM"));
    }

    /**
     * A configuration file in the z/OS UNIX file system as ISPF or OEDIT makes it (untagged IBM-1047,
     * NL line ends) is read, and the LOG file, written in the platform code page, decodes back to the
     * broker's messages.
     */
    @Test
    void anUntaggedIbm1047FileConfiguresTheBrokerAndItsLogFileDecodesBack() throws Exception {
        java.nio.charset.Charset ibm1047 = java.nio.charset.Charset.forName("IBM1047");
        Path log = dir.resolve("ftb.log");
        Path config = dir.resolve("ftbprm01");
        String text = String.join("\n", "/* made with OEDIT: untagged IBM-1047 [brackets] */",
                "SOCKS LISTEN(127.0.0.1:" + freePort() + ")", "RULE NAME(R&SYSCLONE.) DEST(*) ACTION(DENY)",
                "LOG LEVEL(INFO) FILE('" + log + "')", "");
        java.nio.file.Files.write(config, text.getBytes(ibm1047));
        JzosSimulation.defineSymbol("SYSCLONE", "A1");
        CompletableFuture<Integer> broker = start("broker", "--config", config.toString());
        await().atMost(Duration.ofSeconds(20)).until(() -> !withId("FTB0003I").isEmpty() && JzosSimulation.callbackRegistered());
        assertThat(JzosSimulation.stop()).isFalse();
        assertThat(broker.get(20, TimeUnit.SECONDS)).isZero();
        String written = new String(java.nio.file.Files.readAllBytes(log), ibm1047);
        assertThat(written.split("\n")).anyMatch(l -> l.matches("\\d{4}-\\d\\d-\\d\\d \\S+ FTB0001I FTP Tunnel Broker \\S+ starting on z/OS, .*"))
                .anyMatch(l -> l.endsWith("FTB0003I Broker ready: 1 listener(s), 1 rule(s), MAXSESSIONS(2000)"))
                .anyMatch(l -> l.contains("FTB0004I STOP from the MVS STOP command"))
                .anyMatch(l -> l.endsWith("FTB0005I Broker stopped; 0 session(s) were ended by the stop"));
    }
}
