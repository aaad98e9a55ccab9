package org.ftb.console;

import java.util.ArrayList;
import java.util.List;

/**
 * Fits response lines to a console. A line of a multi-line WTO holds 71 characters (WTO macro, list
 * form); a longer line would be split by the system wherever it falls, so it is wrapped here at a blank,
 * the rest on the next line after {@link #CONTINUATION}.
 */
final class ConsoleText {
    /** The widest response line: every console, the MVS console included, shows it whole. */
    static final int WIDTH = 70;
    /**
     * Marks the rest of a line too long for one: no line of a response starts so, so a value a client
     * chose (a user name with blanks in it) cannot make a continuation that reads as a row of its own.
     */
    static final String CONTINUATION = "       ... ";

    private ConsoleText() {
    }

    static List<String> fit(List<String> lines) {
        List<String> fitted = new ArrayList<>();
        for (String line : lines) {
            String rest = line.stripTrailing();
            while (rest.length() > WIDTH) {
                int cut = rest.lastIndexOf(' ', WIDTH);
                // No blank past the indentation: a value longer than a line is cut where the line ends.
                if (cut <= CONTINUATION.length()) {
                    cut = WIDTH;
                }
                fitted.add(rest.substring(0, cut).stripTrailing());
                rest = CONTINUATION + rest.substring(cut).strip();
            }
            fitted.add(rest);
        }
        return fitted;
    }
}
