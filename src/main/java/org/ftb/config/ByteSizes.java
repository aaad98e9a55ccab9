package org.ftb.config;

import java.util.Locale;
import java.util.OptionalLong;

/**
 * Sizes as operands give them: a whole number of bytes, or of K, M or G (1024, 1024² and 1024³ bytes,
 * as z/OS and Logback count them), such as {@code 50M}.
 */
final class ByteSizes {
    private static final String UNITS = "KMG";
    /** More digits than any size an operand allows; keeps the arithmetic clear of overflow. */
    private static final int MAX_DIGITS = 12;

    private ByteSizes() {
    }

    /** The bytes {@code text} stands for; empty when it is not a size. */
    static OptionalLong parse(String text) {
        String upper = text.toUpperCase(Locale.ROOT);
        int unit = upper.isEmpty() ? -1 : UNITS.indexOf(upper.charAt(upper.length() - 1));
        String digits = unit < 0 ? upper : upper.substring(0, upper.length() - 1);
        if (digits.isEmpty() || digits.length() > MAX_DIGITS || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Long.parseLong(digits) << (10 * (unit + 1)));
    }

    /** {@code bytes} in the largest unit that holds it whole: 50M, 1G, 1536K, 1000. */
    static String text(long bytes) {
        for (int unit = UNITS.length() - 1; unit >= 0; unit--) {
            long size = 1L << (10 * (unit + 1));
            if (bytes % size == 0) {
                return bytes / size + UNITS.substring(unit, unit + 1);
            }
        }
        return Long.toString(bytes);
    }
}
