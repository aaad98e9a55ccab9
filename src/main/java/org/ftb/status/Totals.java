package org.ftb.status;

/**
 * Connection totals since the broker started.
 *
 * @param fallbacks FTP sessions that went to their server in plaintext under FALLBACK(PLAIN)
 */
public record Totals(long accepted, long relayed, long denied, long refused, long failed, long busy,
                     long bytesUp, long bytesDown, long peak, long fallbacks) {
}
