package com.ibm.jzos;

/**
 * Compile-only stand-in for IBM's {@code com.ibm.jzos.ZFile} (final and AutoCloseable on Semeru),
 * with only the members the broker calls to read a data set or member in record mode. IBM's class also
 * implements ZFileConstants; the broker uses none of its constants, so the stub leaves it out.
 */
public final class ZFile implements AutoCloseable {
    /**
     * @param name    {@code //DD:NAME}, {@code //DD:NAME(MEMBER)} or {@code //'DSN(MEMBER)'}
     * @param options C fopen() modes, such as {@code rb,type=record,noseek}
     */
    public ZFile(String name, String options) throws ZFileException {
        throw new UnsupportedOperationException("JZOS is only available on z/OS");
    }

    /** In record mode, one record per call: its length (0 is an empty record), -1 at the end. */
    public int read(byte[] buffer) throws ZFileException {
        throw new UnsupportedOperationException("JZOS is only available on z/OS");
    }

    /** The logical record length. */
    public int getLrecl() {
        throw new UnsupportedOperationException("JZOS is only available on z/OS");
    }

    /** The data set name the open resolved to, such as {@code //'FTB.PARMLIB(FTBPRM00)'}. */
    public String getActualFilename() {
        throw new UnsupportedOperationException("JZOS is only available on z/OS");
    }

    @Override
    public void close() throws ZFileException {
        throw new UnsupportedOperationException("JZOS is only available on z/OS");
    }
}
