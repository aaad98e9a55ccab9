package org.ftb.status;

import java.time.Duration;

/**
 * One pooled SSH connection, for DISPLAY SSH.
 *
 * @param sshHost     the SSHHOST name
 * @param server      user@address:port
 * @param channels    tunnels it carries now
 * @param age         since it was opened
 * @param retiring    true when a RELOAD changed or removed its SSHHOST: it closes with its last tunnel
 * @param kex         key exchange algorithm, or "-" while it logs in
 * @param cipher      cipher from client to server, or "-"
 * @param hostKeyType the server's host key type, or "-"
 */
public record SshConnectionView(String sshHost, String server, int channels, Duration age, boolean retiring, String kex,
                                String cipher, String hostKeyType) {
}
