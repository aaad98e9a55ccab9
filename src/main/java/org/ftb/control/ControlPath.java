package org.ftb.control;

import org.ftb.config.ControlSettings;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Where a service's control endpoint is: its CONTROL operand, or by default
 * {@code TMP/ftb-USER/SERVICE-HASH}, where TMP is {@code java.io.tmpdir}, USER the user the process
 * runs as, SERVICE {@code broker} or {@code gateway}, and HASH the first 12 hex digits of the SHA-256
 * of where the configuration was read from ({@link ControlSettings#location}). So the broker and
 * {@code ftb ctl} of one user, given the same configuration, agree without being told, whatever their
 * working directory and environment: {@code java.io.tmpdir} and the user are the same for every
 * process of a user on one system, where {@code XDG_RUNTIME_DIR} is set only in some sessions.
 */
public final class ControlPath {
    static final String BROKER = "broker";
    static final String GATEWAY = "gateway";
    /** 48 bits: configurations of one user on one system never share a name by chance. */
    private static final int HASH_BYTES = 6;

    private ControlPath() {
    }

    /** The broker's endpoint. */
    public static Path broker(ControlSettings control) {
        return control.broker().orElseGet(() -> byDefault(BROKER, control.location()));
    }

    /** The endpoint of {@code ftb gateway}. */
    public static Path gateway(ControlSettings control) {
        return control.gateway().orElseGet(() -> byDefault(GATEWAY, control.location()));
    }

    private static Path byDefault(String service, String location) {
        return byDefault(service, location, Path.of(System.getProperty("java.io.tmpdir")), System.getProperty("user.name"));
    }

    static Path byDefault(String service, String location, Path temporary, String user) {
        return temporary.toAbsolutePath().resolve("ftb-" + user.replaceAll("[^A-Za-z0-9._-]", "_"))
                .resolve(service + "-" + hash(location));
    }

    private static String hash(String location) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(location.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, HASH_BYTES);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256 (java.security.MessageDigest)", e);
        }
    }
}
