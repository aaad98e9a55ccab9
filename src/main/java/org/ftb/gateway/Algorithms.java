package org.ftb.gateway;

import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.compression.BuiltinCompressions;
import org.apache.sshd.common.kex.BuiltinDHFactories;
import org.apache.sshd.common.mac.BuiltinMacs;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.apache.sshd.server.ServerBuilder;
import org.apache.sshd.server.SshServer;

import java.util.List;

/**
 * What the gateway offers in its key exchange: a modern set, as current OpenSSH offers, instead of
 * MINA's defaults, which keep SHA-1 (hmac-sha1, diffie-hellman-group14-sha1, ssh-rsa) and zlib
 * compression before login. Every client that OpenSSH 7.4 or MINA 2.x supports finds a match.
 */
final class Algorithms {
    static final List<BuiltinDHFactories> KEY_EXCHANGES = List.of(BuiltinDHFactories.curve25519, BuiltinDHFactories.curve25519_libssh,
            BuiltinDHFactories.ecdhp256, BuiltinDHFactories.ecdhp384, BuiltinDHFactories.ecdhp521, BuiltinDHFactories.dhgex256);
    static final List<BuiltinCiphers> CIPHERS = List.of(BuiltinCiphers.aes128gcm, BuiltinCiphers.aes256gcm,
            BuiltinCiphers.cc20p1305_openssh, BuiltinCiphers.aes128ctr, BuiltinCiphers.aes192ctr, BuiltinCiphers.aes256ctr);
    /** Encrypt-then-MAC only; GCM and chacha20-poly1305 need none. */
    static final List<BuiltinMacs> MACS = List.of(BuiltinMacs.hmacsha256etm, BuiltinMacs.hmacsha512etm);
    /** zlib@openssh.com starts only after the login, so that no client can make the gateway inflate data before it. */
    static final List<BuiltinCompressions> COMPRESSIONS = List.of(BuiltinCompressions.none, BuiltinCompressions.delayedZlib);
    /** For the host key and for the users' keys: no ssh-rsa (SHA-1) and no DSA. */
    static final List<BuiltinSignatures> SIGNATURES = List.of(BuiltinSignatures.ed25519, BuiltinSignatures.sk_ssh_ed25519,
            BuiltinSignatures.nistp256, BuiltinSignatures.nistp384, BuiltinSignatures.nistp521, BuiltinSignatures.sk_ecdsa_sha2_nistp256,
            BuiltinSignatures.rsaSHA512, BuiltinSignatures.rsaSHA256);

    private Algorithms() {
    }

    static void install(SshServer server) {
        server.setKeyExchangeFactories(NamedFactory.setUpTransformedFactories(false, KEY_EXCHANGES, ServerBuilder.DH2KEX));
        server.setCipherFactories(List.copyOf(CIPHERS));
        server.setMacFactories(List.copyOf(MACS));
        server.setCompressionFactories(List.copyOf(COMPRESSIONS));
        server.setSignatureFactories(List.copyOf(SIGNATURES));
    }
}
