package com.ibm.jzos;

/**
 * Compile-only stand-in for IBM's {@code com.ibm.jzos.MvsCommandCallback}, called by JZOS for the MVS
 * START, MODIFY and STOP commands aimed at this job.
 */
public interface MvsCommandCallback {
    /** The START command's parameters, called as soon as the callback is registered. */
    void handleStart(String parameters);

    /** The text after {@code APPL=} of {@code F job,APPL=text}, folded to upper case. */
    void handleModify(String text);

    /** STOP ({@code P job}): true lets JZOS call System.exit(0); false leaves the ending to the program. */
    boolean handleStop();
}
