package org.ftb.regression;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real file-descriptor exhaustion of this JVM, for a broker running in it: the soft limit lowered with
 * prlimit (util-linux) to what is open plus a margin, then every descriptor left taken, by clients that
 * connect to the broker and hold their connections (its listener's accept fails with "Too many open
 * files"), or by files (the broker cannot open one of its own). Every class in the build's class
 * directories is loaded first: loading a class from a directory opens a file, which would fail too (from
 * the shipped jar, already open, it takes none). {@link #close} gives back what it took and puts the
 * limit back.
 */
final class Descriptors implements AutoCloseable {
    private final long soft;
    private final long hard;
    private final List<Closeable> taken = new ArrayList<>();
    private boolean lowered;

    Descriptors() throws IOException {
        long[] limits = limits();
        soft = limits[0];
        hard = limits[1];
    }

    static boolean available() {
        if (!Files.isDirectory(Path.of("/proc/self/fd"))) {
            return false;
        }
        try {
            return new ProcessBuilder("prlimit", "--version").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    /** Lowers the limit and connects clients to {@code port} until no descriptor is left; returns how many. */
    int exhaustThrough(int port) throws Exception {
        lower();
        takeAll(() -> new Socket(InetAddress.getLoopbackAddress(), port));
        return taken.size();
    }

    /**
     * Lowers the limit and opens /dev/null until no descriptor is left, for a broker that must find none
     * when it opens a file of its own; returns how many.
     */
    int exhaustFiles() throws Exception {
        lower();
        takeAll(() -> FileChannel.open(Path.of("/dev/null")));
        // The pipes of prlimit's process are closed after it has ended, by another thread: take those too.
        Thread.sleep(300);
        takeAll(() -> FileChannel.open(Path.of("/dev/null")));
        return taken.size();
    }

    private void lower() throws Exception {
        preloadClassesFrom(Path.of("target/classes"));
        preloadClassesFrom(Path.of("target/test-classes"));
        prlimit(openFiles() + 40, hard);
        lowered = true;
    }

    private interface Opener {
        Closeable open() throws IOException;
    }

    private void takeAll(Opener opener) {
        try {
            while (taken.size() < 10_000) {
                taken.add(opener.open());
            }
        } catch (IOException outOfDescriptors) {
            // every descriptor of the process is taken
        }
    }

    /** Closes what it took and puts the limit back: the listener can accept again. */
    void release() throws Exception {
        for (Closeable c : taken) {
            c.close();
        }
        taken.clear();
        if (lowered) {
            prlimit(soft, hard);
            lowered = false;
        }
    }

    @Override
    public void close() throws Exception {
        release();
    }

    private static int openFiles() throws IOException {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return (int) fds.count();
        }
    }

    /** Soft and hard "Max open files" of this process (Long.MAX_VALUE for unlimited). */
    private static long[] limits() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            if (line.startsWith("Max open files")) {
                String[] f = line.substring("Max open files".length()).trim().split("\\s+");
                return new long[]{value(f[0]), value(f[1])};
            }
        }
        throw new IOException("no open-files limit in /proc/self/limits");
    }

    private static long value(String text) {
        return text.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(text);
    }

    private static void prlimit(long soft, long hard) throws Exception {
        Process p = new ProcessBuilder("prlimit", "--pid", Long.toString(ProcessHandle.current().pid()),
                "--nofile=" + text(soft) + ":" + text(hard))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("prlimit --nofile=" + text(soft) + " failed");
        }
    }

    private static String text(long limit) {
        return limit == Long.MAX_VALUE ? "unlimited" : Long.toString(limit);
    }

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
                Class.forName(name.substring(0, name.length() - ".class".length()), false, Descriptors.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                // not needed here
            }
        }
    }

    /**
     * Warms up the paths the exhaustion takes (a client the broker refuses, a WTO), then uses up the
     * descriptors through {@code port} until the simulated console has FTB0013A.
     */
    void loseListener(int port) throws Exception {
        org.assertj.core.api.Assertions.assertThat(Fault41ListenerRecoveryNeverReachesTheConsoleAtLogLevelWarnTest.deniedRequest(port))
                .startsWith(0, 91);
        StartedTask.modify("D");
        exhaustThrough(port);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> !StartedTask.withId("FTB0013A").isEmpty());
    }
}
