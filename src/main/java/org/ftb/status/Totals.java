package org.ftb.status;

/**
 * Connection totals since the broker started.
 *
 * @param fallbacks FTP sessions that went to their server in plaintext under FALLBACK(PLAIN)
 * @param transfers FTP transfers ended (RETR, STOR, STOU, APPE, LIST, NLST, MLSD), one audit record each
 */
public record Totals(long accepted, long relayed, long denied, long refused, long failed, long busy,
                     long bytesUp, long bytesDown, long peak, long fallbacks, long transfers) {
}
