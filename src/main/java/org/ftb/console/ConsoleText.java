package org.ftb.console;

import java.util.ArrayList;
import java.util.List;

/**
 * Fits response lines to a console. A line of a multi-line WTO holds 71 characters (WTO macro, list
 * form); a longer line would be split by the system wherever it falls, so it is wrapped here at a blank,
 * the rest indented under the first line's text.
 */
final class ConsoleText {
    /** The widest response line: every console, the MVS console included, shows it whole. */
    static final int WIDTH = 70;
    private static final String CONTINUATION = "          ";

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
