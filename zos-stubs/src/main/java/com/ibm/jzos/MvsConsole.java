package com.ibm.jzos;

/**
 * Compile-only stand-in for IBM's {@code com.ibm.jzos.MvsConsole}, with only the members whose
 * descriptors are certain. {@code wto(String,int,int)}, {@code registerMvsCommandCallback} and
 * {@code startMvsCommandListener} are left out on purpose: their return types are not confirmed, so
 * the broker calls them by name and parameter types (docs/jzos-api.md).
 */
public class MvsConsole implements WtoConstants {
    private MvsConsole() {
    }

    /** True when the MVS command listener thread is running. */
    public static boolean isListening() {
        throw new UnsupportedOperationException("JZOS is only available on z/OS");
    }

    /** Deletes a retained message (DOM) by its message ID. */
    public static void deleteMessage(int messageId) {
        throw new UnsupportedOperationException("JZOS is only available on z/OS");
    }
}
