package org.ftb.socks;

/** The SOCKS protocol versions the broker speaks; V4 includes the 4a host-name extension. */
public enum SocksVersion {
    V4(4),
    V5(5);

    private final int code;

    SocksVersion(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The version for a first byte, or null when the byte is no SOCKS version. */
    public static SocksVersion fromCode(int code) {
        for (SocksVersion v : values()) {
            if (v.code == code) {
                return v;
            }
        }
        return null;
    }
}
