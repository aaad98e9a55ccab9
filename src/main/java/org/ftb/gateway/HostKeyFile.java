package org.ftb.gateway;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.util.io.resource.PathResource;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.ftb.platform.PrivateFiles;
import org.ftb.platform.TextFiles;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.Iterator;

/**
 * The gateway's host key file (HOSTKEY), in OpenSSH's format. A missing file is made on first start
 * with a new ed25519 key, owner-only from the start. An existing file is used as it is, whatever its
 * key type (gateways before this release made ecdsa-sha2-nistp521 keys), so that the brokers'
 * KNOWNHOSTS stay right; it is never replaced behind the operator's back, and it is refused when
 * others may read it or it is not the gateway's own regular file, as OpenSSH refuses an unprotected private key.
 */
final class HostKeyFile {
    private HostKeyFile() {
    }

    /**
     * @param textFiles how an existing file is decoded: UTF-8, or the platform code page
     * @return the key pair, and whether it was made now
     */
    static Loaded loadOrCreate(Path file, TextFiles textFiles) throws IOException {
        if (!Files.exists(file)) {
            return new Loaded(create(file), true);
        }
        String refusal = PrivateFiles.unprotected("HOSTKEY", file).orElse(null);
        if (refusal != null) {
            throw new IOException(refusal);
        }
        byte[] text;
        try {
            // Given to MINA as the UTF-8 it reads key files in.
            text = textFiles.read(file).text().getBytes(StandardCharsets.UTF_8);
        } catch (TextFiles.NotTextException e) {
            // The summary only: the byte it shows would be a byte of the private key.
            throw new IOException("HOSTKEY " + file + " cannot be read: " + e.summary(), null);
        }
        try (InputStream in = new ByteArrayInputStream(text)) {
            Iterator<KeyPair> keys = SecurityUtils.loadKeyPairIdentities(null, new PathResource(file), in, null).iterator();
            if (!keys.hasNext()) {
                throw new IOException("HOSTKEY " + file + " holds no private key");
            }
            return new Loaded(keys.next(), false);
        } catch (GeneralSecurityException e) {
            throw new IOException("HOSTKEY " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    private static KeyPair create(Path file) throws IOException {
        try {
            KeyPair key = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
            try (OutputStream out = PrivateFiles.create(file)) {
                new OpenSSHKeyPairResourceWriter().writePrivateKey(key, "ftb gateway host key", null, out);
            }
            return key;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot make an ed25519 host key (is BouncyCastle on the class path?): " + e.getMessage(), e);
        }
    }

    /** A host key, and whether it was made on this start. */
    record Loaded(KeyPair key, boolean created) {
    }
}
