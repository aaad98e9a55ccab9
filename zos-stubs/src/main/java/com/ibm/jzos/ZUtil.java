package com.ibm.jzos;

/**
 * Compile-only stand-in for IBM's {@code com.ibm.jzos.ZUtil}, holding only the members the broker
 * calls, with IBM's exact signatures (docs/jzos-api.md lists each with its IBM source). Never shipped:
 * on z/OS the JDK's own ibm.jzos module provides the real class.
 */
public class ZUtil {
    private ZUtil() {
    }

    /** Replaces z/OS system symbols such as {@code &SYSNAME.} in {@code pattern}. */
    public static String substituteSystemSymbols(String pattern) {
        throw new UnsupportedOperationException("JZOS is only available on z/OS");
    }

    /** The platform's default EBCDIC code page, such as IBM-1047. */
    public static String getDefaultPlatformEncoding() {
        throw new UnsupportedOperationException("JZOS is only available on z/OS");
    }

    /** The name of the job (the started task) this JVM runs in. */
    public static String getCurrentJobname() {
        throw new UnsupportedOperationException("JZOS is only available on z/OS");
    }
}
