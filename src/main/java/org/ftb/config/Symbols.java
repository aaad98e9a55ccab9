package org.ftb.config;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * System symbols for {@code &NAME.} substitution: explicit values (from {@code --symbol}) first, then
 * the platform's own (on z/OS the system's symbol table; elsewhere built-ins such as SYSNAME).
 */
public final class Symbols {
    private final Map<String, String> explicit;
    private final Function<String, Optional<String>> platform;

    public Symbols(Map<String, String> explicit, Function<String, Optional<String>> platform) {
        Map<String, String> upper = new HashMap<>();
        explicit.forEach((k, v) -> upper.put(k.toUpperCase(Locale.ROOT), v));
        this.explicit = Map.copyOf(upper);
        this.platform = platform;
    }

    public static Symbols none() {
        return new Symbols(Map.of(), name -> Optional.empty());
    }

    public Optional<String> lookup(String name) {
        String key = name.toUpperCase(Locale.ROOT);
        String value = explicit.get(key);
        return value != null ? Optional.of(value) : platform.apply(key);
    }

    /** IBM's rule for a symbol name: 1 to 8 characters, letters, digits, @, # or $, not starting with a digit. */
    public static boolean isValidName(String name) {
        if (name.isEmpty() || name.length() > 8 || Character.isDigit(name.charAt(0))) {
            return false;
        }
        return name.chars().allMatch(Symbols::isNameChar);
    }

    static boolean isNameChar(int c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '@' || c == '#' || c == '$';
    }
}
