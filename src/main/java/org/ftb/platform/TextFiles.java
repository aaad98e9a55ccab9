package org.ftb.platform;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * The one rule by which every text file the broker reads is decoded: the configuration, users files,
 * passphrase and key files, known_hosts and authorized_keys. z/OS marks a file's code page with a tag
 * (chtag), but Java has no way to read it, and files made with ISPF or OEDIT are untagged EBCDIC
 * anyway; so the content decides, the same way on every platform:
 * <ol>
 * <li>a UTF-8 byte-order mark: UTF-8, the mark dropped;</li>
 * <li>otherwise bytes that are strict UTF-8 and hold no X'15' (EBCDIC NL, which no UTF-8 text holds):
 * UTF-8;</li>
 * <li>otherwise, when the platform code page is EBCDIC (IBM-1047 and the like, see
 * {@link CodePages#isEbcdic}), that code page, strictly, when the text then holds no control
 * character but TAB, CR, LF and NL. NL (X'15') and LF (X'25') both end a line: Java's EBCDIC
 * charsets decode one of them as U+0085 (which one depends on the JDK), and it becomes LF;</li>
 * <li>otherwise the file is not text: a {@link NotTextException} names the code pages tried and the
 * first byte each could not take, with its offset.</li>
 * </ol>
 * A file with no NL at all whose EBCDIC bytes happen to be valid UTF-8 would be read as UTF-8; ISPF,
 * OEDIT and the z/OS shell end every line, the last one too, so this does not arise from them.
 *
 * @param platformCharset the platform code page ({@link Platform#nativeCharset()}): EBCDIC on z/OS
 */
public record TextFiles(Charset platformCharset) {
    private static final byte EBCDIC_NL = 0x15;
    private static final char NEL = '\u0085';
    /** The largest text file read: configuration members, key and users files are far smaller. */
    static final long MAX_BYTES = 16L << 20;
    private static final byte[] UTF8_BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    /** A file's text, line ends as LF, CR or CRLF, and the code page it was read in. */
    public record Text(String text, Charset charset) {
        /** The lines, without their line ends. */
        public List<String> lines() {
            return text.lines().toList();
        }
    }

    /** A file that is text in none of the code pages tried; its message says where it failed. */
    public static final class NotTextException extends IOException {
        private static final long serialVersionUID = 1L;
        private final String summary;

        NotTextException(String summary, String detail) {
            super(summary + " (" + detail + ")");
            this.summary = summary;
        }

        /** The reason without the offending bytes: for files whose content is secret (keys, passphrases). */
        public String summary() {
            return summary;
        }
    }

    /**
     * Reads {@code file} whole and decodes it by the rule.
     *
     * @throws NotTextException when it is not text
     * @throws IOException      when it cannot be read
     */
    public Text read(Path file) throws IOException {
        // A FIFO would hang the read, a device such as /dev/zero fill the heap: only regular files of a sane size.
        if (Files.exists(file) && !Files.isDirectory(file) && !Files.isRegularFile(file)) {
            throw new IOException(file + " is not a regular file");
        }
        if (Files.size(file) > MAX_BYTES) {
            throw new IOException(file + " is larger than " + (MAX_BYTES >> 20) + " MiB: not a text file the broker reads");
        }
        return decode(Files.readAllBytes(file));
    }

    /** Decodes the bytes of a text file (or of standard input) by the rule. */
    public Text decode(byte[] bytes) throws NotTextException {
        if (startsWithBom(bytes)) {
            Decoded utf8 = Decoded.of(StandardCharsets.UTF_8, bytes, UTF8_BOM.length);
            OptionalInt control = utf8.failedAt().isPresent() ? OptionalInt.empty() : controlCharacter(utf8.text());
            if (utf8.failedAt().isPresent() || control.isPresent()) {
                throw new NotTextException("the file starts with a UTF-8 byte-order mark but is not UTF-8 text",
                        at(bytes, utf8.failedAt().isPresent() ? utf8.failedAt().getAsInt()
                                : UTF8_BOM.length + byteOffset(utf8, control.getAsInt())));
            }
            return new Text(utf8.text(), StandardCharsets.UTF_8);
        }
        Decoded utf8 = Decoded.of(StandardCharsets.UTF_8, bytes, 0);
        // A control (NUL of UTF-16, say) is not text in UTF-8 either, as it is not in EBCDIC below.
        OptionalInt utf8Failure = utf8.failedAt().isPresent() ? utf8.failedAt() : indexOf(bytes, EBCDIC_NL);
        if (utf8Failure.isEmpty()) {
            OptionalInt control = controlCharacter(utf8.text());
            if (control.isPresent()) {
                utf8Failure = OptionalInt.of(byteOffset(utf8, control.getAsInt()));
            }
        }
        if (utf8Failure.isEmpty()) {
            return new Text(utf8.text(), StandardCharsets.UTF_8);
        }
        if (!CodePages.isEbcdic(platformCharset)) {
            throw new NotTextException("the file is not UTF-8 text", at(bytes, utf8Failure.getAsInt()));
        }
        Decoded ebcdic = Decoded.of(platformCharset, bytes, 0);
        int ebcdicFailure;
        if (ebcdic.failedAt().isPresent()) {
            ebcdicFailure = ebcdic.failedAt().getAsInt();
        } else {
            OptionalInt control = controlCharacter(ebcdic.text());
            if (control.isEmpty()) {
                return new Text(ebcdic.text().replace(NEL, '\n'), platformCharset);
            }
            ebcdicFailure = byteOffset(ebcdic, control.getAsInt());
        }
        String code = CodePages.label(platformCharset);
        throw new NotTextException("the file is neither UTF-8 nor " + code + " text",
                "UTF-8: " + at(bytes, utf8Failure.getAsInt()) + "; " + code + ": " + at(bytes, ebcdicFailure));
    }

    private static boolean startsWithBom(byte[] bytes) {
        return bytes.length >= UTF8_BOM.length && bytes[0] == UTF8_BOM[0] && bytes[1] == UTF8_BOM[1] && bytes[2] == UTF8_BOM[2];
    }

    private static OptionalInt indexOf(byte[] bytes, byte wanted) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == wanted) {
                return OptionalInt.of(i);
            }
        }
        return OptionalInt.empty();
    }

    /** The index of the first character that text holds no place for: a control other than TAB, CR, LF, NL. */
    private static OptionalInt controlCharacter(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c) && c != '\t' && c != '\r' && c != '\n' && c != NEL) {
                return OptionalInt.of(i);
            }
        }
        return OptionalInt.empty();
    }

    /**
     * The byte offset of character {@code index} of a decoded text: the length of the text before it,
     * encoded again, since a mixed single- and double-byte EBCDIC code page has no fixed width.
     */
    private static int byteOffset(Decoded decoded, int index) {
        return decoded.text().substring(0, index).getBytes(decoded.charset()).length;
    }

    /** A strict decoder stops at the first byte of what it cannot take, so the offset is always within the file. */
    private static String at(byte[] bytes, int offset) {
        return String.format(Locale.ROOT, "byte X'%02X' at offset %d", bytes[offset] & 0xFF, offset);
    }

    /** The text decoded strictly up to its first malformed or unmappable byte, and that byte's offset if any. */
    private record Decoded(Charset charset, String text, OptionalInt failedAt) {
        static Decoded of(Charset charset, byte[] bytes, int from) {
            CharsetDecoder decoder = charset.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
            ByteBuffer in = ByteBuffer.wrap(bytes, from, bytes.length - from);
            CharBuffer out = CharBuffer.allocate((int) (bytes.length * (double) decoder.maxCharsPerByte()) + 16);
            CoderResult result = decoder.decode(in, out, true);
            if (!result.isError()) {
                result = decoder.flush(out);
            }
            if (result.isError()) {
                return new Decoded(charset, "", OptionalInt.of(in.position()));
            }
            if (result.isOverflow()) {
                throw new IllegalStateException(charset + " decoded more characters than it said a byte may make");
            }
            return new Decoded(charset, out.flip().toString(), OptionalInt.empty());
        }
    }
}
