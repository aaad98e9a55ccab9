package org.ftb.status;

/** Connection totals since the broker started. */
public record Totals(long accepted, long relayed, long denied, long refused, long failed, long busy,
                     long bytesUp, long bytesDown, long peak) {
}
