package org.ftb.config;

import org.ftb.platform.TextFiles;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One SSHHOST statement: an SSH server that carries tunnels.
 *
 * @param host        the SSH server, or empty for {@code HOST(*)}: the destination the client asked for
 * @param ciphers     OpenSSH cipher names, most preferred first
 * @param keepalive   interval of SSH keepalive messages; zero for none
 * @param user        the SSH user for AUTH(KEY) rules
 * @param key         the private key file for AUTH(KEY) rules
 * @param passphrase  a file whose first line is the key's passphrase
 * @param maxChannels tunnels one SSH connection carries at most
 * @param textFiles   how KNOWNHOSTS, KEY and PASSPHRASE are decoded: by the platform's code page
 */
public record SshHostSettings(String name, Optional<String> host, int port, Path knownHosts, HostKeyPolicy hostKeys,
                              List<String> ciphers, Duration keepalive, Optional<String> user, Optional<Path> key,
                              Optional<Path> passphrase, int maxChannels, TextFiles textFiles) {

    /** Ciphers the broker offers, strongest and fastest first; AES-GCM leads. */
    public static final List<String> SUPPORTED_CIPHERS = List.of("aes128-gcm@openssh.com", "aes256-gcm@openssh.com",
            "aes128-ctr", "aes192-ctr", "aes256-ctr", "chacha20-poly1305@openssh.com");
    public static final List<String> DEFAULT_CIPHERS = List.of("aes128-gcm@openssh.com", "aes256-gcm@openssh.com",
            "aes128-ctr", "aes256-ctr", "chacha20-poly1305@openssh.com");
    public static final int DEFAULT_PORT = 22;
    public static final Duration DEFAULT_KEEPALIVE = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_CHANNELS = 32;

    public SshHostSettings {
        ciphers = List.copyOf(ciphers);
    }

    /** How the SSH server's host key is checked against KNOWNHOSTS. */
    public enum HostKeyPolicy {
        /** Unknown and changed keys are refused. */
        STRICT,
        /** An unknown key is recorded the first time; a changed key is refused. */
        ACCEPTNEW
    }

    /** The SSH server for a tunnel to {@code destinationHost}. */
    public String hostFor(String destinationHost) {
        return host.orElse(destinationHost);
    }
}
