package org.ftb.socks;

/**
 * SOCKS reply codes, named as RFC 1928 names them. SOCKS 4 has only "granted" (90) and "rejected or
 * failed" (91), so every failure maps to 91 there.
 */
public enum ReplyCode {
    SUCCEEDED(0x00),
    GENERAL_FAILURE(0x01),
    NOT_ALLOWED_BY_RULESET(0x02),
    NETWORK_UNREACHABLE(0x03),
    HOST_UNREACHABLE(0x04),
    CONNECTION_REFUSED(0x05),
    /** RFC 1928 "TTL expired"; the broker sends it when a connect times out. */
    TTL_EXPIRED(0x06),
    COMMAND_NOT_SUPPORTED(0x07),
    ADDRESS_TYPE_NOT_SUPPORTED(0x08);

    /** SOCKS 4 reply codes. */
    public static final int V4_GRANTED = 90;
    public static final int V4_REJECTED = 91;

    private final int code;

    ReplyCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public int v4Code() {
        return this == SUCCEEDED ? V4_GRANTED : V4_REJECTED;
    }

    /** The reply for a CONNECT; {@code bound} is the broker's address towards the destination, or null. */
    public byte[] encode(SocksVersion version, byte[] bound, int port) {
        if (version == SocksVersion.V4) {
            byte[] reply = new byte[8];
            reply[1] = (byte) v4Code();
            reply[2] = (byte) (port >> 8);
            reply[3] = (byte) port;
            if (bound != null && bound.length == 4) {
                System.arraycopy(bound, 0, reply, 4, 4);
            }
            return reply;
        }
        byte[] address = bound == null ? new byte[4] : bound;
        byte[] reply = new byte[6 + address.length];
        reply[0] = 5;
        reply[1] = (byte) code;
        reply[3] = (byte) (address.length == 4 ? 1 : 4);
        System.arraycopy(address, 0, reply, 4, address.length);
        reply[4 + address.length] = (byte) (port >> 8);
        reply[5 + address.length] = (byte) port;
        return reply;
    }

    /** The failure reply with an all-zero address. */
    public byte[] encode(SocksVersion version) {
        return encode(version, null, 0);
    }
}
