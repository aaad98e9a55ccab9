package com.ibm.jzos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Simulated {@code com.ibm.jzos.ZFile} (test scope): opens the name forms ZFile takes ({@code //DD:NAME},
 * {@code //DD:NAME(MEMBER)}, {@code //'DSN(MEMBER)'}, and {@code //DSN(MEMBER)}, which gets the user ID
 * as its first qualifier) over {@link JzosSimulation}'s catalog, and only in record mode.
 */
public final class ZFile implements AutoCloseable {
    private static final Pattern DD = Pattern.compile("//DD:([A-Z0-9@#$]{1,8})(?:\\(([A-Z0-9@#$]{1,8})\\))?");
    private static final Pattern DSN = Pattern.compile("//('?)([A-Z0-9@#$.]{1,44}?)(?:\\(([A-Z0-9@#$]{1,8})\\))?\\1");

    private final String actualName;
    private final int lrecl;
    private final List<byte[]> records;
    private int next;
    private boolean closed;

    public ZFile(String name, String options) throws ZFileException {
        if (!options.equals("rb,type=record,noseek")) {
            throw new ZFileException("simulation reads only in record mode; options were " + options);
        }
        String upper = name.toUpperCase(Locale.ROOT);
        String dsn;
        String member;
        Matcher dd = DD.matcher(upper);
        Matcher named = DSN.matcher(upper);
        if (dd.matches()) {
            String target = JzosSimulation.ALLOCATIONS.get(dd.group(1));
            if (target == null) {
                throw new ZFileException(name + ": fopen() failed: EDC5129I No such file or directory. (DD " + dd.group(1)
                        + " is not allocated)");
            }
            int paren = target.indexOf('(');
            dsn = paren < 0 ? target : target.substring(0, paren);
            member = dd.group(2) != null ? dd.group(2) : paren < 0 ? null : target.substring(paren + 1, target.length() - 1);
        } else if (named.matches()) {
            dsn = named.group(1).isEmpty() ? JzosSimulation.USER_ID + "." + named.group(2) : named.group(2);
            member = named.group(3);
        } else {
            throw new ZFileException(name + ": fopen() failed: EDC5047I An invalid file name was specified.");
        }
        JzosSimulation.Catalogued data = JzosSimulation.CATALOG.get(dsn);
        Path path = data == null ? null : member == null ? data.path() : data.path().resolve(member);
        if (path == null || !Files.isRegularFile(path)) {
            throw new ZFileException(name + ": fopen() failed: EDC5049I The specified file name could not be located.");
        }
        this.actualName = "//'" + dsn + (member == null ? "" : "(" + member + ")") + "'";
        this.lrecl = data.lrecl();
        try {
            this.records = data.variable() ? variable(Files.readAllBytes(path)) : fixed(Files.readAllBytes(path), lrecl);
        } catch (IOException e) {
            throw new ZFileException(name + ": " + e.getMessage());
        }
    }

    private static List<byte[]> fixed(byte[] bytes, int lrecl) {
        List<byte[]> records = new ArrayList<>();
        for (int at = 0; at < bytes.length; at += lrecl) {
            records.add(Arrays.copyOfRange(bytes, at, Math.min(bytes.length, at + lrecl)));
        }
        return records;
    }

    private static List<byte[]> variable(byte[] bytes) {
        List<byte[]> records = new ArrayList<>();
        for (int at = 0; at < bytes.length; ) {
            int length = (bytes[at] & 0xFF) << 8 | bytes[at + 1] & 0xFF;
            records.add(Arrays.copyOfRange(bytes, at + 4, at + length));
            at += length;
        }
        return records;
    }

    /** One record per call, as record mode reads: its length, or -1 at the end. */
    public int read(byte[] buffer) throws ZFileException {
        if (closed) {
            throw new ZFileException(actualName + ": read after close");
        }
        if (next == records.size()) {
            return -1;
        }
        byte[] record = records.get(next++);
        if (record.length > buffer.length) {
            throw new ZFileException(actualName + ": record of " + record.length + " bytes does not fit a buffer of " + buffer.length);
        }
        System.arraycopy(record, 0, buffer, 0, record.length);
        return record.length;
    }

    public int getLrecl() {
        return lrecl;
    }

    public String getActualFilename() {
        return actualName;
    }

    @Override
    public void close() throws ZFileException {
        closed = true;
    }
}
