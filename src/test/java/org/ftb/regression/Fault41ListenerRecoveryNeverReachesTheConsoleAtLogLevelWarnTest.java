package org.ftb.regression;

import com.ibm.jzos.JzosSimulation.Wto;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Attack (automation and the operator at a site that runs with {@code LOG LEVEL(WARN)} to keep the job
 * log small): the started task runs out of file descriptors (MAXFILEPROC), really, with the limit of
 * this JVM lowered by prlimit and clients holding connections. FTB0013A is an error-level action
 * message, so it reaches the MVS console and stays there (descriptor 11). When the limit is raised and the
 * listener accepts again, the message that clears it, FTB0014I, is information-level, so LEVEL(WARN)
 * drops it before any appender sees it: SystemConsoleAppender never writes FTB0014I and never deletes
 * FTB0013A (its DOM logic runs only for events that are logged). The console keeps saying "clients cannot
 * connect through it until this clears" while clients connect fine, and automation that closes the
 * FTB0013A exception on FTB0014I never closes it.
 *
 * <p>Correct behaviour (docs/messages.md, "Messages on the MVS console"): an A message "stays on the
 * console until its condition clears: FTB0014I then deletes FTB0013A (DOM) ... otherwise FTB0014I still
 * says that it cleared". Whatever LOG LEVEL is, a condition announced on the console is announced cleared
 * there: FTB0014I (or the DOM of FTB0013A) reaches the console when FTB0013A did.
 */
@Timeout(120)
class Fault41ListenerRecoveryNeverReachesTheConsoleAtLogLevelWarnTest {
    @TempDir
    Path dir;

    private static int openFiles() throws IOException {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return (int) fds.count();
        }
    }

    private static long hardLimit() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            if (line.startsWith("Max open files")) {
                String[] f = line.substring("Max open files".length()).trim().split("\\s+");
                return f[1].equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(f[1]);
            }
        }
        throw new IOException("no open-files limit in /proc/self/limits");
    }

    private static long softLimit() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            if (line.startsWith("Max open files")) {
                return Long.parseLong(line.substring("Max open files".length()).trim().split("\\s+")[0]);
            }
        }
        throw new IOException("no open-files limit in /proc/self/limits");
    }

    private static void prlimit(long soft, long hard) throws Exception {
        Process p = new ProcessBuilder("prlimit", "--pid", Long.toString(ProcessHandle.current().pid()),
                "--nofile=" + soft + ":" + (hard == Long.MAX_VALUE ? "unlimited" : Long.toString(hard)))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0).as("prlimit --nofile=%d", soft).isTrue();
    }

    private static boolean prlimitInstalled() {
        try {
            return new ProcessBuilder("prlimit", "--version").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    /** A SOCKS 4 request to 10.0.0.1:21, which rule REST denies: the broker answers 91 when it serves the client. */
    private static byte[] deniedRequest(int port) throws IOException {
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
            client.setSoTimeout(10_000);
            client.getOutputStream().write(new byte[]{4, 1, 0, 21, 10, 0, 0, 1, 'J', 0});
            return client.getInputStream().readNBytes(8);
        }
    }

    /**
     * Loads every class of a class directory: a class file is opened to be loaded, and with no descriptor
     * left that fails (NoClassDefFoundError). From the shipped jar, already open, loading takes none.
     */
    private static void preloadClassesFrom(Path classes) throws IOException {
        if (!Files.isDirectory(classes)) {
            return;
        }
        List<Path> files;
        try (var walk = Files.walk(classes)) {
            files = walk.filter(f -> f.toString().endsWith(".class")).toList();
        }
        for (Path file : files) {
            String name = classes.relativize(file).toString().replace('/', '.');
            try {
                Class.forName(name.substring(0, name.length() - ".class".length()), false,
                        Fault41ListenerRecoveryNeverReachesTheConsoleAtLogLevelWarnTest.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                // not needed here
            }
        }
    }

    @Test
    void theListenerRecoveringReachesTheConsoleWhateverTheLogLevel() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")) && prlimitInstalled(), "needs Linux /proc and prlimit");
        int port = StartedTask.freePort();
        long soft = softLimit();
        long hard = hardLimit();
        List<Socket> clients = new ArrayList<>();
        try (StartedTask task = StartedTask.withMember(dir, StartedTask.numbered(
                "SOCKS LISTEN(127.0.0.1:" + port + ")",
                "RULE NAME(REST) DEST(*) ACTION(DENY)",
                "LOG LEVEL(WARN)"))) {
            task.start();
            await().atMost(Duration.ofSeconds(30)).until(com.ibm.jzos.JzosSimulation::callbackRegistered);
            // Warm up every path the exhaustion will take (a refused client, a WTO, DISPLAY), so that no class
            // has to be loaded from a file while no descriptor is left.
            assertThat(deniedRequest(port)).startsWith(0, 91);
            StartedTask.modify("D");
            preloadClassesFrom(Path.of("target/classes"));
            preloadClassesFrom(Path.of("target/test-classes"));
            try {
                prlimit(openFiles() + 40, hard);
                try {
                    while (clients.size() < 10_000) {
                        clients.add(new Socket(InetAddress.getLoopbackAddress(), port));
                    }
                } catch (IOException outOfDescriptors) {
                    // every descriptor of the process is taken: the listener's next accept fails
                }
                await().atMost(Duration.ofSeconds(20)).until(() -> !StartedTask.withId("FTB0013A").isEmpty());
            } finally {
                for (Socket client : clients) {
                    client.close();
                }
                prlimit(soft, hard);
            }
            // The listener tries again every second; once it has taken the waiting clients it serves new ones.
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(deniedRequest(port)).startsWith(0, 91));
            Thread.sleep(1500);

            List<Wto> lost = StartedTask.withId("FTB0013A");
            assertThat(lost).as("the listener lost, on the console").hasSize(1);
            assertThat(lost.get(0).descriptor()).as("descriptor 11, kept on the console").isEqualTo(0x0020);
            assertThat(!StartedTask.withId("FTB0014I").isEmpty() || !com.ibm.jzos.JzosSimulation.deleted().isEmpty())
                    .as("FTB0014I written or FTB0013A deleted, once the listener accepts again; the console has: %s", StartedTask.wtos())
                    .isTrue();
        } finally {
            for (Socket client : clients) {
                client.close();
            }
        }
    }
}
