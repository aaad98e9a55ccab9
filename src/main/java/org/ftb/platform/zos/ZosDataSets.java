package org.ftb.platform.zos;

import com.ibm.jzos.ZFile;
import org.ftb.platform.DataSet;

import java.io.IOException;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads MVS data sets and members through JZOS ZFile in record mode, one record per read, each record
 * decoded with the platform code page: a record has no line ends to look for (IBM JZOS ZFile javadoc;
 * zsystems/java-samples ZFilePrint).
 */
final class ZosDataSets {
    /** Sequential record reads without repositioning: IBM notes that noseek makes reads much faster. */
    static final String READ_RECORDS = "rb,type=record,noseek";
    /** A configuration member is a page or two; more records than this mean a wrong data set. */
    static final int MAX_RECORDS = 10_000;

    private ZosDataSets() {
    }

    /**
     * @param name a ZFile name: {@code //DD:NAME}, {@code //DD:NAME(MEMBER)}, {@code //'DSN(MEMBER)'}; an
     *             unquoted {@code //DSN} gets the user ID as its first qualifier, as ZFile does
     */
    static DataSet read(String name, Charset codePage) throws IOException {
        try (ZFile file = new ZFile(name, READ_RECORDS)) {
            int lrecl = file.getLrecl();
            // A variable record's LRECL counts its 4-byte descriptor, so the data always fits.
            byte[] record = new byte[Math.max(lrecl, 1)];
            List<String> records = new ArrayList<>();
            int length;
            while ((length = file.read(record)) >= 0) {
                if (records.size() == MAX_RECORDS) {
                    throw new IOException(name + " has more than " + MAX_RECORDS + " records: not a configuration member");
                }
                records.add(new String(record, 0, length, codePage));
            }
            return new DataSet(file.getActualFilename(), lrecl, records);
        }
    }
}
