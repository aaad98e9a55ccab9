package org.ftb.message;

/** The last letter of a message ID. */
public enum Severity {
    /** Information. */
    I,
    /** Warning: work goes on, but something deserves a look. */
    W,
    /** Error: a request, a statement or a start failed. */
    E,
    /** Action: an operator must act. */
    A
}
