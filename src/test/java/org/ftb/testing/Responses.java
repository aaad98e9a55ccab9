package org.ftb.testing;

import java.util.List;

/** Operator command responses as tests read them. */
public final class Responses {
    /** What ConsoleText puts before the rest of a line too long for the console. */
    public static final String CONTINUATION = "       ... ";

    private Responses() {
    }

    /** The response as one text: each line too long for the console joined again to its rest, blanks collapsed. */
    public static String text(List<String> response) {
        return String.join("\n", response).replace("\n" + CONTINUATION, " ").replace('\n', ' ').replaceAll(" +", " ");
    }
}
