package org.ftb.platform;

import java.util.List;

/**
 * The records of an MVS data set or member, each decoded with the platform code page.
 *
 * @param name    the data set the name resolved to, such as {@code //'FTB.PARMLIB(FTBPRM01)'}
 * @param lrecl   the logical record length in bytes
 * @param records the records in order, without record descriptor words
 */
public record DataSet(String name, int lrecl, List<String> records) {
    /** Column count of a PARMLIB record (z/OS MVS Initialization and Tuning Reference, "General syntax rules"). */
    public static final int PARMLIB_LRECL = 80;

    public DataSet {
        records = List.copyOf(records);
    }

    /** True for the MVS name forms ({@code //DD:NAME}, {@code //'DSN(MEMBER)'}), which only z/OS can open. */
    public static boolean isDataSetName(String name) {
        return name.startsWith("//");
    }

    /**
     * True for fixed 80-byte records (RECFM F or FB, LRECL 80): every record is 80 bytes long. A variable
     * record of LRECL 80 holds at most 76 bytes of data, so the lengths tell the formats apart.
     */
    public boolean isFixed80() {
        return lrecl == PARMLIB_LRECL && records.stream().allMatch(r -> r.length() == PARMLIB_LRECL);
    }
}
