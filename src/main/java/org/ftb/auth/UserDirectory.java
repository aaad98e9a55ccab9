package org.ftb.auth;

import org.ftb.platform.TextFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A users file: one {@code user:$pbkdf2-sha256$iterations$salt$hash} line per user, {@code #} comments.
 * No password is ever stored in clear. A successful check is remembered as a keyed digest, so that a
 * client opening many connections pays for the slow hash once, not per connection.
 */
public final class UserDirectory {
    public static final int DEFAULT_ITERATIONS = 310_000;
    private static final String SCHEME = "pbkdf2-sha256";
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;

    private record Entry(int iterations, byte[] salt, byte[] hash) {
    }

    private final Map<String, Entry> entries;
    /** Hashed in place of an unknown user's entry, so that a refusal takes as long whether or not the user exists. */
    private final Entry stranger;
    private final Map<String, byte[]> verified = new ConcurrentHashMap<>();
    private final byte[] cacheKey = new byte[32];

    /** A malformed line of a users file. */
    public static final class FormatException extends Exception {
        private static final long serialVersionUID = 1L;
        private final int line;

        FormatException(int line, String message) {
            super(message);
            this.line = line;
        }

        public int line() {
            return line;
        }
    }

    private UserDirectory(Map<String, Entry> entries) {
        this.entries = Map.copyOf(entries);
        SecureRandom random = new SecureRandom();
        random.nextBytes(cacheKey);
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        int iterations = entries.values().stream().mapToInt(Entry::iterations).max().orElse(DEFAULT_ITERATIONS);
        this.stranger = new Entry(iterations, salt, new byte[HASH_BYTES]);
    }

    /** Reads a users file, UTF-8 or in the platform code page as {@code files} tells. */
    public static UserDirectory read(Path file, TextFiles files) throws IOException, FormatException {
        return parse(files.read(file).lines());
    }

    public static UserDirectory parse(List<String> lines) throws FormatException {
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new FormatException(i + 1, "expected user:$" + SCHEME + "$iterations$salt$hash");
            }
            String user = line.substring(0, colon);
            if (!isValidUser(user)) {
                throw new FormatException(i + 1, "user name must be 1 to 255 characters without blanks or ':'");
            }
            if (entries.put(user, parseHash(line.substring(colon + 1), i + 1)) != null) {
                throw new FormatException(i + 1, "user " + user + " is listed twice");
            }
        }
        return new UserDirectory(entries);
    }

    private static Entry parseHash(String text, int line) throws FormatException {
        String[] parts = text.split("\\$", -1);
        if (parts.length != 5 || !parts[0].isEmpty() || !parts[1].equals(SCHEME)) {
            throw new FormatException(line, "the password must be a $" + SCHEME + "$ hash made by 'ftb passwd'");
        }
        try {
            int iterations = Integer.parseInt(parts[2]);
            byte[] salt = Base64.getDecoder().decode(parts[3]);
            byte[] hash = Base64.getDecoder().decode(parts[4]);
            if (iterations < 10_000 || salt.length < 8 || hash.length != HASH_BYTES) {
                throw new FormatException(line, "the hash needs at least 10000 iterations, 8 salt bytes and 32 hash bytes");
            }
            return new Entry(iterations, salt, hash);
        } catch (IllegalArgumentException e) {
            throw new FormatException(line, "the iterations, salt or hash are not readable");
        }
    }

    public static boolean isValidUser(String user) {
        return !user.isEmpty() && user.length() <= 255 && user.chars().noneMatch(c -> c <= ' ' || c == ':' || c == 0x7F);
    }

    public Set<String> users() {
        return entries.keySet();
    }

    /**
     * Checks a password given as the client's bytes (UTF-8); the array is wiped afterwards. An unknown
     * user costs the same hash as a known one (with the most iterations of the file), so the time of a
     * refusal does not tell which user names exist.
     */
    public boolean verify(String user, byte[] password) {
        char[] chars = decode(password);
        try {
            Entry known = entries.get(user);
            Entry entry = known == null ? stranger : known;
            boolean whole = hashedWhole(password, chars);
            byte[] digest = cacheDigest(user, password);
            byte[] remembered = known == null ? null : verified.get(user);
            if (whole && remembered != null && MessageDigest.isEqual(remembered, digest)) {
                return true;
            }
            // Hashed whatever the outcome, and to the file's highest iteration count, so that neither an
            // unknown user, nor a user hashed with fewer iterations, nor a NUL answers sooner.
            boolean ok = MessageDigest.isEqual(entry.hash(), pbkdf2(chars, entry.salt(), entry.iterations())) && known != null && whole;
            if (entry.iterations() < stranger.iterations()) {
                pbkdf2(chars, stranger.salt(), stranger.iterations() - entry.iterations());
            }
            if (ok) {
                verified.put(user, digest);
            }
            return ok;
        } finally {
            Arrays.fill(chars, '\0');
            Arrays.fill(password, (byte) 0);
        }
    }

    /**
     * True when a hash of {@code chars} stands for exactly the bytes {@code password}: they are the UTF-8
     * of the characters, all compared in constant time, so no malformed byte passes as U+FFFD; and none
     * is NUL, because PBKDF2's HMAC pads its key with zero bytes, so that a hash of "pw" is one of "pw"
     * followed by NULs as well.
     */
    private static boolean hashedWhole(byte[] password, char[] chars) {
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(chars));
        byte[] again = new byte[encoded.remaining()];
        encoded.get(again);
        boolean same = MessageDigest.isEqual(again, password);
        Arrays.fill(again, (byte) 0);
        Arrays.fill(encoded.array(), (byte) 0);
        int nul = 0;
        for (byte b : password) {
            nul |= b == 0 ? 1 : 0;
        }
        return same && nul == 0;
    }

    /** False for a password with a NUL, which {@link #verify} never accepts (see {@link #hashedWhole}). */
    public static boolean isUsablePassword(char[] password) {
        for (char c : password) {
            if (c == '\0') {
                return false;
            }
        }
        return true;
    }

    /** A users-file line for this user and password. */
    public static String entry(String user, char[] password, int iterations) {
        byte[] salt = new byte[SALT_BYTES];
        new SecureRandom().nextBytes(salt);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return user + ":$" + SCHEME + "$" + iterations + "$" + b64.encodeToString(salt) + "$"
                + b64.encodeToString(pbkdf2(password, salt, iterations));
    }

    private byte[] cacheDigest(String user, byte[] password) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(cacheKey, "HmacSHA256"));
            mac.update(user.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            return mac.doFinal(password);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java platform", e);
        }
    }

    private static char[] decode(byte[] password) {
        CharBuffer chars;
        try {
            chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .decode(ByteBuffer.wrap(password));
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalStateException("a replacing decoder does not fail", e);
        }
        char[] out = new char[chars.remaining()];
        chars.get(out);
        Arrays.fill(chars.array(), '\0');
        return out;
    }

    private static byte[] pbkdf2(char[] password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, HASH_BYTES * 8);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is part of every Java platform", e);
        } finally {
            spec.clearPassword();
        }
    }
}
