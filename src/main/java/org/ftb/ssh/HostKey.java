package org.ftb.ssh;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.digest.BuiltinDigests;

import java.security.PublicKey;

/** An SSH server's public host key, named as OpenSSH names it. */
public record HostKey(PublicKey publicKey) {

    /** The OpenSSH key type: {@code ssh-ed25519}, {@code ecdsa-sha2-nistp256}, {@code ssh-rsa}, .... */
    public String type() {
        return KeyUtils.getKeyType(publicKey);
    }

    /**
     * The fingerprint as {@code ssh-keygen -l} shows it: {@code SHA256:} and the base64 of the SHA-256
     * of the key's wire form, without padding. SHA-256 always, whatever MINA's default digest is set to.
     */
    public String fingerprint() {
        return KeyUtils.getFingerPrint(BuiltinDigests.sha256, publicKey);
    }

    /** {@code type base64}, the key part of a known_hosts line. */
    String openSshText() {
        return PublicKeyEntry.toString(publicKey);
    }

    boolean sameKey(PublicKey other) {
        return KeyUtils.compareKeys(publicKey, other);
    }
}
