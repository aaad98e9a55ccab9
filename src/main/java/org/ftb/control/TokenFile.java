package org.ftb.control;

import org.ftb.platform.PrivateFiles;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The endpoint file where Unix domain sockets are missing: one line {@code tcp ADDRESS PORT TOKEN},
 * the loopback port the service listens on and the token a client must send first, 32 random bytes
 * in hex. Only the service's user can read it (0600 in a 0700 directory), so knowing the token proves
 * being that user, or root.
 */
record TokenFile(InetSocketAddress address, String token) {
    static final int TOKEN_BYTES = 32;
    static final int TOKEN_HEX = 2 * TOKEN_BYTES;
    private static final String KIND = "tcp";
    /** Far more than the one line takes: a longer file is not one of these. */
    private static final int MAX_SIZE = 256;

    /** A new token for a service listening at {@code address}. */
    static TokenFile create(InetSocketAddress address) {
        byte[] token = new byte[TOKEN_BYTES];
        new SecureRandom().nextBytes(token);
        return new TokenFile(address, HexFormat.of().formatHex(token));
    }

    /**
     * Reads an endpoint file.
     *
     * @throws IOException when it cannot be read or is not a token file (the message says which)
     */
    static TokenFile read(Path file) throws IOException {
        if (Files.size(file) > MAX_SIZE) {
            throw new IOException(file + " is not an ftb ctl endpoint: it is longer than a token file");
        }
        String[] fields = Files.readString(file, StandardCharsets.US_ASCII).strip().split(" ");
        try {
            if (fields.length == 4 && fields[0].equals(KIND) && fields[3].length() == TOKEN_HEX) {
                HexFormat.of().parseHex(fields[3]);
                return new TokenFile(new InetSocketAddress(InetAddress.getByName(fields[1]), Integer.parseInt(fields[2])), fields[3]);
            }
        } catch (IllegalArgumentException e) {
            // As any other text that is not an endpoint's line.
        }
        throw new IOException(file + " is not an ftb ctl endpoint: it does not hold '" + KIND + " address port token'");
    }

    /** True when {@code file} reads as a token file; false when it cannot be read or holds something else. */
    static boolean isOne(Path file) {
        try {
            read(file);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Writes the file owner-only, whole or not at all: it is made beside {@code file} and moved over it,
     * so a client never reads half a token.
     */
    void write(Path file) throws IOException {
        Path next = file.resolveSibling(file.getFileName() + ".new");
        Files.deleteIfExists(next);
        try (OutputStream out = PrivateFiles.create(next)) {
            out.write((KIND + " " + address.getAddress().getHostAddress() + " " + address.getPort() + " " + token + "\n")
                    .getBytes(StandardCharsets.US_ASCII));
        }
        Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Without the token, which is a secret: a record's own text would show it. */
    @Override
    public String toString() {
        return "ftb ctl token for " + address;
    }

    /** Whether {@code given} is the token, compared in constant time, so that timing tells nothing of it. */
    boolean accepts(String given) {
        return MessageDigest.isEqual(token.getBytes(StandardCharsets.US_ASCII), given.getBytes(StandardCharsets.US_ASCII));
    }
}
