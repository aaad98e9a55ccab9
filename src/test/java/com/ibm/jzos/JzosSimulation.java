package com.ibm.jzos;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A simulated z/OS for the JZOS classes beside it, which stand in for IBM's in tests only (they come
 * first on the test class path, before the compile-only stubs; neither is shipped). It holds what the
 * real JZOS gets from the system: a catalog of data sets kept in local files of EBCDIC records, DD
 * allocations, system symbols, the platform code page, and the MVS console, whose WTOs it records and
 * into which a test types START, MODIFY and STOP. JZOS's API is static, so this state is too: call
 * {@link #reset} before and after each test.
 */
public final class JzosSimulation {
    /** The started task's user ID: the first qualifier ZFile puts before an unquoted data set name. */
    public static final String USER_ID = "FTBSTC";
    /** MODIFY text longer than this is cut, as the 128-byte CIB buffer cuts it (jzos-api.md §5). */
    public static final int MODIFY_LIMIT = 126;

    /** One WTO as JZOS received it. */
    public record Wto(String text, int routing, int descriptor) {
        public List<String> lines() {
            return List.of(text.split("\n", -1));
        }
    }

    /** How a catalogued data set lays out its records in its local file. */
    record Catalogued(Path path, int lrecl, boolean variable) {
    }

    static final Map<String, Catalogued> CATALOG = new HashMap<>();
    static final Map<String, String> ALLOCATIONS = new HashMap<>();
    static final Map<String, String> SYMBOLS = new HashMap<>();
    static final List<Wto> WTOS = new CopyOnWriteArrayList<>();
    static final List<Integer> DELETED = new CopyOnWriteArrayList<>();
    static volatile String encoding = "IBM-1047";
    static volatile String startParameters = "";
    static volatile MvsCommandCallback callback;
    static volatile boolean listening;
    private static ExecutorService listener;

    private JzosSimulation() {
    }

    public static synchronized void reset() {
        CATALOG.clear();
        ALLOCATIONS.clear();
        SYMBOLS.clear();
        WTOS.clear();
        DELETED.clear();
        encoding = "IBM-1047";
        startParameters = "";
        callback = null;
        listening = false;
        if (listener != null) {
            listener.shutdownNow();
            listener = null;
        }
    }

    /** A partitioned data set of fixed records: each member a file in {@code directory} named as the member. */
    public static void catalogPds(String dsn, Path directory, int lrecl) {
        CATALOG.put(dsn.toUpperCase(Locale.ROOT), new Catalogued(directory, lrecl, false));
    }

    /** A partitioned data set of variable records (RECFM VB): each member a file of RDW-prefixed records. */
    public static void catalogVariablePds(String dsn, Path directory, int lrecl) {
        CATALOG.put(dsn.toUpperCase(Locale.ROOT), new Catalogued(directory, lrecl, true));
    }

    /** {@code //ddname DD DSN=target}, target such as {@code FTB.PARMLIB(FTBPRM01)}. */
    public static void allocate(String ddname, String target) {
        ALLOCATIONS.put(ddname.toUpperCase(Locale.ROOT), target.toUpperCase(Locale.ROOT));
    }

    public static void defineSymbol(String name, String value) {
        SYMBOLS.put(name, value);
    }

    public static void platformEncoding(String name) {
        encoding = name;
    }

    /** The parameters of {@code S job,parameters}, given to the callback when it is registered. */
    public static void startParameters(String parameters) {
        startParameters = parameters;
    }

    /** Writes {@code lines} as fixed records of {@code lrecl} bytes in {@code charset}, each padded with blanks. */
    public static void writeFixedRecords(Path file, List<String> lines, int lrecl, Charset charset) throws IOException {
        byte[] blank = " ".getBytes(charset);
        byte[] all = new byte[lines.size() * lrecl];
        for (int i = 0; i < lines.size(); i++) {
            byte[] record = lines.get(i).getBytes(charset);
            if (record.length > lrecl) {
                throw new IllegalArgumentException("record " + (i + 1) + " is longer than " + lrecl);
            }
            System.arraycopy(record, 0, all, i * lrecl, record.length);
            for (int j = record.length; j < lrecl; j++) {
                all[i * lrecl + j] = blank[0];
            }
        }
        Files.createDirectories(file.getParent());
        Files.write(file, all);
    }

    /** Writes {@code lines} as variable records, each after its 4-byte record descriptor word. */
    public static void writeVariableRecords(Path file, List<String> lines, Charset charset) throws IOException {
        List<Byte> all = new ArrayList<>();
        for (String line : lines) {
            byte[] record = line.getBytes(charset);
            int length = record.length + 4;
            all.add((byte) (length >> 8));
            all.add((byte) length);
            all.add((byte) 0);
            all.add((byte) 0);
            for (byte b : record) {
                all.add(b);
            }
        }
        byte[] bytes = new byte[all.size()];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = all.get(i);
        }
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
    }

    public static List<Wto> wtos() {
        return List.copyOf(WTOS);
    }

    public static List<Integer> deleted() {
        return List.copyOf(DELETED);
    }

    public static boolean callbackRegistered() {
        return callback != null;
    }

    /** {@code F job,APPL=text}: JZOS folds the text to upper case and hands it to the callback on its listener thread. */
    public static void modify(String text) throws Exception {
        String folded = text.toUpperCase(Locale.ROOT);
        String delivered = folded.substring(0, Math.min(MODIFY_LIMIT, folded.length()));
        onListener(() -> {
            callback.handleModify(delivered);
            return null;
        });
    }

    /** {@code P job}: returns what the callback answered; true would make JZOS call System.exit(0). */
    public static boolean stop() throws Exception {
        return onListener(() -> callback.handleStop());
    }

    private static <T> T onListener(java.util.concurrent.Callable<T> call) throws Exception {
        if (callback == null || !listening) {
            throw new IllegalStateException("no MVS command callback is registered and listening");
        }
        Future<T> done;
        synchronized (JzosSimulation.class) {
            done = listener.submit(call);
        }
        return done.get();
    }

    static synchronized void startListener() {
        if (listener == null) {
            listener = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "JZOS MVS command listener");
                t.setDaemon(true);
                return t;
            });
        }
        listening = true;
    }
}
