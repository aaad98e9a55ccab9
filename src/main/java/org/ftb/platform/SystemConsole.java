package org.ftb.platform;

import org.ftb.message.ConsoleRoute;

import java.util.List;
import java.util.OptionalInt;

/**
 * The operating system's operator console: on z/OS the MVS console, written with WTO and read through
 * the START, MODIFY and STOP commands. Other systems have none.
 */
public interface SystemConsole {
    /** Longest line of a multi-line message that every console shows whole (a WTO data line holds 71). */
    int LINE_WIDTH = 70;

    /**
     * Writes one message, of one or more lines, with the routing and descriptor codes of its route.
     *
     * @param lines the first begins with the message ID; each is at most {@link #LINE_WIDTH} characters
     * @return the system's message ID when the message is kept on the console and can be deleted
     */
    OptionalInt write(List<String> lines, ConsoleRoute route);

    /** Deletes a message kept on the console (DOM), by the ID {@link #write} gave. */
    void delete(int messageId);

    /**
     * Passes the operator's commands for this job to {@code operator} until the returned registration
     * is closed.
     */
    AutoCloseable listen(Operator operator);

    /** What the broker does for the operator's commands. */
    interface Operator {
        /**
         * The console takes commands for job {@code jobName}; {@code parameters} are those of the START
         * command that started it, blank when there were none.
         */
        void started(String jobName, String parameters);

        /** MODIFY text, such as {@code DISPLAY}; returns the response lines. */
        List<String> modify(String text);

        /** STOP: begins a graceful stop (a second one ends every session at once); the program ends itself. */
        void stop();
    }
}
