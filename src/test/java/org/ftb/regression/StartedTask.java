package org.ftb.regression;

import com.ibm.jzos.JzosSimulation;
import com.ibm.jzos.JzosSimulation.Wto;
import org.ftb.cli.Main;
import org.ftb.platform.zos.ZosPlatform;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * The broker run in this JVM as a z/OS started task through the simulated JZOS (as
 * org.ftb.platform.zos.StartedTaskTest drives it): configured from member FTBPRM01 of FTB.PARMLIB,
 * allocated to DD FTBPRM, its WTOs recorded and the operator's MODIFY and STOP typed into it.
 * STDOUT and STDERR are captured while it runs; {@link #close} puts them back and resets the simulation.
 */
final class StartedTask implements AutoCloseable {
    static final Charset IBM1047 = Charset.forName("IBM1047");

    private final PrintStream savedOut = System.out;
    private final PrintStream savedErr = System.err;
    final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    final StringWriter picocli = new StringWriter();
    CompletableFuture<Integer> broker;

    /** java.io.tmpdir before this task, put back by {@link #close}. */
    private String tmpdir;

    private StartedTask() {
        JzosSimulation.reset();
        System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
    }

    /** The simulation with FTB.PARMLIB(FTBPRM01) allocated to FTBPRM holding {@code lines} as FB80 records. */
    static StartedTask withMember(Path dir, List<String> lines) throws Exception {
        StartedTask task = new StartedTask();
        // Every started task here reads FTB.PARMLIB(FTBPRM01), so all would have one default ftb ctl
        // endpoint in the machine's /tmp: a test run beside another (a CI clone) would meet its broker.
        task.tmpdir = System.setProperty("java.io.tmpdir", dir.toString());
        JzosSimulation.catalogPds("FTB.PARMLIB", dir.resolve("FTB.PARMLIB"), 80);
        JzosSimulation.writeFixedRecords(dir.resolve("FTB.PARMLIB").resolve("FTBPRM01"), lines, 80, IBM1047);
        JzosSimulation.allocate("FTBPRM", "FTB.PARMLIB(FTBPRM01)");
        JzosSimulation.defineSymbol("SYSNAME", "SYSA");
        return task;
    }

    /** {@code S FTB}: the broker on //DD:FTBPRM, in the background. */
    StartedTask start(String... more) {
        List<String> args = new ArrayList<>(List.of("broker", "--config", "//DD:FTBPRM"));
        args.addAll(List.of(more));
        broker = CompletableFuture.supplyAsync(() -> Main.commandLine(new ZosPlatform())
                .setOut(new PrintWriter(picocli)).setErr(new PrintWriter(picocli)).execute(args.toArray(String[]::new)));
        return this;
    }

    /** Waits for FTB0003I and the MVS command callback. */
    StartedTask awaitReady() {
        await().atMost(Duration.ofSeconds(30)).until(() -> !withId("FTB0003I").isEmpty() && JzosSimulation.callbackRegistered());
        return this;
    }

    int rc() throws Exception {
        return broker.get(30, TimeUnit.SECONDS);
    }

    static List<Wto> wtos() {
        return JzosSimulation.wtos();
    }

    static List<Wto> withId(String id) {
        return JzosSimulation.wtos().stream().filter(w -> w.text().startsWith(id)).toList();
    }

    /** {@code F FTB,APPL=text}; returns the WTOs written while JZOS's listener thread handled it. */
    static List<Wto> modify(String text) throws Exception {
        int before = JzosSimulation.wtos().size();
        JzosSimulation.modify(text);
        List<Wto> all = JzosSimulation.wtos();
        return all.subList(before, all.size());
    }

    /** {@code P FTB}: what handleStop answered. */
    static boolean stop() throws Exception {
        return JzosSimulation.stop();
    }

    String out() {
        return stdout.toString(IBM1047);
    }

    static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The lines as ISPF keeps them with NUMBER ON: data in 1-71, column 72 blank, sequence numbers in 73-80. */
    static List<String> numbered(String... lines) {
        List<String> records = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            records.add(String.format("%-72s%08d", lines[i], (i + 1) * 100));
        }
        return records;
    }

    @Override
    public void close() throws Exception {
        try {
            closeBroker();
        } finally {
            System.setProperty("java.io.tmpdir", tmpdir);
        }
    }

    private void closeBroker() throws Exception {
        try {
            if (broker != null && !broker.isDone() && JzosSimulation.callbackRegistered()) {
                try {
                    JzosSimulation.stop();
                    JzosSimulation.stop();
                    broker.get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    // best effort: the test has its answer
                }
            }
        } finally {
            System.setOut(savedOut);
            System.setErr(savedErr);
            JzosSimulation.reset();
            // The broker set the log up in IBM-1047: the tests after this one log as the tests do.
            org.ftb.testing.AppliedLog.undoOnClose().close();
        }
    }
}
