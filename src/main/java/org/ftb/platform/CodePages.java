package org.ftb.platform;

import org.ftb.message.Msg;
import org.ftb.message.Notice;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Code pages by their z/OS and Java names. z/OS names a code set {@code IBM-1047}, {@code ISO8859-1}
 * or {@code UTF-8} (chtag, iconv, {@code ZUtil.getDefaultPlatformEncoding}); Java knows the EBCDIC ones
 * through the aliases of module {@code jdk.charsets} ({@code IBM-1047} is {@code IBM1047}), but not all
 * of them: {@code IBM-924}, for one, is missing from JDK 17.
 */
public final class CodePages {
    /** The EBCDIC code page of z/OS UNIX, ISPF and OEDIT, and the one used when the platform's is unknown. */
    public static final Charset IBM1047 = Charset.forName("IBM1047");

    /** Java's names of IBM code pages, IBM037, IBM1047, IBM01141, x-IBM930: z/OS keeps three digits at least. */
    private static final Pattern IBM = Pattern.compile("(?:X-)?IBM0*(\\d{3,5})");
    private static final Pattern ISO8859 = Pattern.compile("ISO-8859-(\\d{1,2})");

    private CodePages() {
    }

    /** A code page chosen from a name, and the warning to log when the name was not usable. */
    public record Choice(Charset charset, Optional<Notice> warning) {
    }

    /**
     * The charset {@code name} stands for, or {@code fallback} with warning FTB0018W when this Java does
     * not know it (or the name is blank or malformed): a code page Java lacks must not stop the broker.
     *
     * @param what what the name is, for the warning: "The platform code page", "JZOS_OUTPUT_ENCODING"
     */
    public static Choice choose(String what, String name, Charset fallback) {
        try {
            return new Choice(Charset.forName(name.strip()), Optional.empty());
        } catch (IllegalArgumentException e) {
            // IllegalCharsetNameException and UnsupportedCharsetException among others: a blank name too.
            return new Choice(fallback, Optional.of(Notice.of(Msg.FTB0018W, what, name, label(fallback))));
        }
    }

    /**
     * True for an EBCDIC code page: one in which {@code A} is not X'41', as it is in ASCII, ISO 8859 and
     * UTF-8. Text in such a code page can never be mistaken for those, and they for it.
     */
    public static boolean isEbcdic(Charset charset) {
        if (!charset.canEncode()) {
            return false;
        }
        byte[] a = "A".getBytes(charset);
        return a.length == 1 && a[0] != 0x41;
    }

    /**
     * The z/OS code set name of {@code charset}, as chtag and iconv take it: {@code IBM-1047},
     * {@code IBM-037}, {@code IBM-1141}, {@code ISO8859-1}, {@code UTF-8}; empty for a charset z/OS has
     * no name for. US-ASCII is named ISO8859-1, of which it is a part.
     */
    public static Optional<String> zosName(Charset charset) {
        String name = charset.name().toUpperCase(Locale.ROOT);
        if (charset.equals(StandardCharsets.UTF_8)) {
            return Optional.of("UTF-8");
        }
        if (charset.equals(StandardCharsets.US_ASCII)) {
            return Optional.of("ISO8859-1");
        }
        Matcher ibm = IBM.matcher(name);
        if (ibm.matches()) {
            return Optional.of("IBM-" + ibm.group(1));
        }
        Matcher iso = ISO8859.matcher(name);
        return iso.matches() ? Optional.of("ISO8859-" + iso.group(1)) : Optional.empty();
    }

    /** How messages name a code page: its z/OS name where it has one (IBM-1047), else Java's. */
    public static String label(Charset charset) {
        return zosName(charset).filter(n -> !charset.equals(StandardCharsets.US_ASCII)).orElse(charset.name());
    }
}
