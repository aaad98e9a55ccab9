package org.ftb.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The text of a configuration member as numbered lines. For fixed 80-byte records only columns 1-71
 * are data: columns 72-80 are dropped here (73-80 hold sequence numbers).
 */
public record ConfigSource(String name, List<String> lines) {
    /** Where the data of a fixed 80-byte record ends. */
    public static final int FIXED_DATA_COLUMNS = 71;
    /** The length of a fixed record, and the columns 73-80 that hold an ISPF sequence number. */
    private static final int FIXED_RECORD = 80;
    private static final int SEQUENCE_COLUMN = 72;
    /** An ISPF sequence number is eight digits. */
    private static final int SEQUENCE_DIGITS = 8;

    public ConfigSource {
        lines = List.copyOf(lines);
    }

    /** How the lines of a source are laid out. */
    public enum RecordFormat {
        /** Ordinary text: every column is data. */
        STREAM,
        /** Fixed 80-byte records (a PARMLIB member): columns 72-80 are ignored. */
        FB80
    }

    /**
     * True when {@code text} is an FB80 member copied out as it is: every line exactly 80 columns with
     * an eight-digit sequence number in columns 73-80, as ISPF numbers a member (z/OS ISPF Edit and
     * Edit Macros, "NUMBER"). Read as ordinary text, those numbers would be taken for operands.
     */
    public static boolean looksFixed80(String text) {
        List<String> lines = splitLines(text);
        return !lines.isEmpty() && lines.stream().allMatch(line -> line.length() == FIXED_RECORD
                && isDigits(line.substring(SEQUENCE_COLUMN)));
    }

    public static ConfigSource ofText(String name, String text, RecordFormat format) {
        return ofRecords(name, splitLines(text), format);
    }

    /** The records of a data set, or the lines of a file, as a source; FB80 keeps columns 1-71. */
    public static ConfigSource ofRecords(String name, List<String> records, RecordFormat format) {
        List<String> lines = new ArrayList<>();
        for (String line : records) {
            lines.add(format == RecordFormat.FB80 && line.length() > FIXED_DATA_COLUMNS ? line.substring(0, FIXED_DATA_COLUMNS) : line);
        }
        return new ConfigSource(name, lines);
    }

    /**
     * Where records that are not fixed 80-byte ones seem to carry ISPF sequence numbers, described for a
     * message: in columns 1-8 of every record (ISPF numbers variable-length members there) or in the last
     * eight columns of every full-length record (fixed records of another length). Empty when they do not.
     *
     * @param lrecl the data set's record length
     */
    public static Optional<String> sequenceNumbers(List<String> records, int lrecl) {
        if (records.isEmpty()) {
            return Optional.empty();
        }
        if (records.stream().allMatch(r -> r.length() >= SEQUENCE_DIGITS && isDigits(r.substring(0, SEQUENCE_DIGITS)))) {
            return Optional.of("sequence numbers in columns 1-8");
        }
        if (lrecl > SEQUENCE_DIGITS && records.stream().allMatch(r -> r.length() == lrecl && isDigits(r.substring(lrecl - SEQUENCE_DIGITS)))) {
            return Optional.of("sequence numbers in columns " + (lrecl - SEQUENCE_DIGITS + 1) + "-" + lrecl);
        }
        return Optional.empty();
    }

    private static boolean isDigits(String text) {
        return text.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    /** The lines of {@code text}, without the empty one after a final line end. */
    private static List<String> splitLines(String text) {
        List<String> lines = new ArrayList<>(List.of(text.split("\r\n|\r|\n", -1)));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        return lines;
    }
}
