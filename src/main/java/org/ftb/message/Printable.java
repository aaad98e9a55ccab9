package org.ftb.message;

import java.util.Locale;

/**
 * Text from the network made fit for a log line, an audit record, a console and an FTP reply. A client
 * chooses its user names, host names and commands, and a control character in them could end a log
 * line and forge the next, split an EBCDIC record (U+0085 is NL there), or drive the operator's
 * terminal (ESC). So every character that is not printable is shown as {@code X'hh'}, its code point
 * in hex; printable text, letters of any script included, is left as it is. The result holds only
 * printable characters, so escaping it again changes nothing.
 */
public final class Printable {
    private Printable() {
    }

    /** {@code text} with each character that is not printable as {@code X'hh'}. */
    public static String of(CharSequence text) {
        return of(text, Integer.MAX_VALUE);
    }

    /** As {@link #of(CharSequence)}, of at most the first {@code max} characters, followed by "..." when cut. */
    public static String of(CharSequence text, int max) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), max) + 8);
        int i = 0;
        while (i < text.length() && i < max) {
            int c = Character.codePointAt(text, i);
            if (isPrintable(c)) {
                out.appendCodePoint(c);
            } else {
                out.append(String.format(Locale.ROOT, "X'%02X'", c));
            }
            i += Character.charCount(c);
        }
        return i < text.length() ? out.append("...").toString() : out.toString();
    }

    /**
     * Letters, digits, marks, punctuation, symbols and the ASCII blank. Not: controls (C0, DEL, C1),
     * format characters (which reorder or hide text), line and paragraph separators, blanks other than
     * U+0020 (a value in an audit record holds no blank), lone surrogates, private and unassigned code points.
     */
    static boolean isPrintable(int c) {
        if (c == ' ') {
            return true;
        }
        return switch (Character.getType(c)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                 Character.SPACE_SEPARATOR, Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED -> false;
            default -> true;
        };
    }
}
