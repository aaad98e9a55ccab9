package org.ftb.socks;

import org.ftb.address.IpAddress;
import org.ftb.message.Printable;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * The server side of a SOCKS 4, 4a or 5 handshake as a pure state machine: bytes in, {@link Step}s out.
 * {@link #next} consumes a message only when it is complete, so requests that arrive a byte at a time
 * and requests followed at once by payload both work; every field is bounded by the protocol's own
 * limits, so no input makes it buffer more than {@link #MAX_MESSAGE} bytes.
 */
public final class SocksServerHandshake {
    /** The longest message: a SOCKS 4a request with a 255-byte user ID and a 255-byte host name. */
    public static final int MAX_MESSAGE = 8 + 256 + 256;
    private static final int MAX_FIELD = 255;
    private static final int METHOD_NO_AUTH = 0x00;
    private static final int METHOD_USERPASS = 0x02;
    private static final int METHOD_NONE_ACCEPTABLE = 0xFF;
    private static final byte[] V5_NO_METHOD = {5, (byte) METHOD_NONE_ACCEPTABLE};
    private static final byte[] AUTH_OK = {1, 0};
    private static final byte[] AUTH_FAILED = {1, 1};
    private static final byte[] NO_REPLY = new byte[0];
    private static final java.util.List<String> HTTP_METHODS = java.util.List.of("GET", "POST", "PUT", "HEAD", "CONNECT", "OPTIONS", "DELETE");

    private enum State { START, V5_AUTH, V5_AWAITING_AUTH, V5_REQUEST, DONE }

    private final Set<SocksVersion> enabled;
    private final boolean passwordRequired;
    private State state = State.START;
    private SocksVersion version;
    private String user = "";
    private boolean passwordChecked;

    /**
     * @param passwordRequired SOCKS 5 clients must authenticate with RFC 1929; when false, a client
     *                         that offers only RFC 1929 is accepted and its user name recorded
     */
    public SocksServerHandshake(Set<SocksVersion> enabled, boolean passwordRequired) {
        this.enabled = Set.copyOf(enabled);
        this.passwordRequired = passwordRequired;
    }

    /** The version the client speaks, once its first byte has been seen; null before. */
    public SocksVersion version() {
        return version;
    }

    /** The SOCKS 4 user ID or SOCKS 5 user name seen so far, or empty. */
    public String user() {
        return user;
    }

    /** True once the client logged in with an RFC 1929 user name and password that were checked. */
    public boolean passwordChecked() {
        return passwordChecked;
    }

    public boolean isDone() {
        return state == State.DONE;
    }

    /** Reads the next message from {@code in} (in read mode), consuming it only when it is complete. */
    public Step next(ByteBuffer in) {
        return switch (state) {
            case START -> start(in);
            case V5_AUTH -> userPassword(in);
            case V5_REQUEST -> v5Request(in);
            case V5_AWAITING_AUTH, DONE -> throw new IllegalStateException("handshake is " + state);
        };
    }

    /** The outcome of the check asked for by {@link Step.Authenticate}. */
    public Step authenticated(boolean ok) {
        if (state != State.V5_AWAITING_AUTH) {
            throw new IllegalStateException("no authentication is pending");
        }
        if (ok) {
            state = State.V5_REQUEST;
            passwordChecked = true;
            return new Step.Reply(AUTH_OK.clone());
        }
        return refuse(AUTH_FAILED.clone(), "user " + Printable.of(user, 64) + " failed authentication");
    }

    private Step start(ByteBuffer in) {
        if (!in.hasRemaining()) {
            return new Step.NeedMore();
        }
        int first = in.get(in.position()) & 0xFF;
        SocksVersion v = SocksVersion.fromCode(first);
        if (v == null) {
            return refuse(NO_REPLY, notSocks(in));
        }
        version = v;
        if (!enabled.contains(v)) {
            byte[] reply = v == SocksVersion.V4 ? ReplyCode.GENERAL_FAILURE.encode(v) : V5_NO_METHOD.clone();
            return refuse(reply, "SOCKS " + v.code() + " is not enabled by VERSIONS");
        }
        return v == SocksVersion.V4 ? v4Request(in) : v5Greeting(in);
    }

    private Step v4Request(ByteBuffer in) {
        int p = in.position();
        if (in.remaining() < 9) {
            return new Step.NeedMore();
        }
        int command = in.get(p + 1) & 0xFF;
        int port = ((in.get(p + 2) & 0xFF) << 8) | (in.get(p + 3) & 0xFF);
        byte[] ip = new byte[4];
        in.get(p + 4, ip);
        int userEnd = indexOfNul(in, p + 8);
        if (userEnd < 0) {
            return tooLongOrMore(in, p + 8, "SOCKS 4 user ID");
        }
        user = latin1(in, p + 8, userEnd);
        boolean socks4a = ip[0] == 0 && ip[1] == 0 && ip[2] == 0 && ip[3] != 0;
        String host;
        byte[] address = ip;
        int end = userEnd;
        if (socks4a) {
            int hostEnd = indexOfNul(in, userEnd + 1);
            if (hostEnd < 0) {
                return tooLongOrMore(in, userEnd + 1, "SOCKS 4a host name");
            }
            host = latin1(in, userEnd + 1, hostEnd);
            end = hostEnd;
            address = null;
        } else {
            host = IpAddress.format(ip);
        }
        in.position(end + 1);
        ReplyCode refused = ReplyCode.GENERAL_FAILURE;
        if (command != 1) {
            return refuse(refused.encode(version), command == 2 ? "SOCKS 4 BIND is not supported; only CONNECT is"
                    : "SOCKS 4 command " + command + " is not supported; only CONNECT is");
        }
        return connect(socks4a, host, address, port, refused);
    }

    private Step v5Greeting(ByteBuffer in) {
        int p = in.position();
        if (in.remaining() < 2) {
            return new Step.NeedMore();
        }
        int count = in.get(p + 1) & 0xFF;
        if (count == 0) {
            return refuse(V5_NO_METHOD.clone(), "SOCKS 5 greeting offers no authentication method");
        }
        if (in.remaining() < 2 + count) {
            return new Step.NeedMore();
        }
        boolean noAuth = false;
        boolean userPassword = false;
        StringBuilder offered = new StringBuilder();
        for (int i = 0; i < count; i++) {
            int method = in.get(p + 2 + i) & 0xFF;
            noAuth |= method == METHOD_NO_AUTH;
            userPassword |= method == METHOD_USERPASS;
            offered.append(i == 0 ? "" : ",").append(String.format("X'%02X'", method));
        }
        in.position(p + 2 + count);
        int chosen;
        if (passwordRequired) {
            chosen = userPassword ? METHOD_USERPASS : METHOD_NONE_ACCEPTABLE;
        } else {
            chosen = noAuth ? METHOD_NO_AUTH : userPassword ? METHOD_USERPASS : METHOD_NONE_ACCEPTABLE;
        }
        if (chosen == METHOD_NONE_ACCEPTABLE) {
            return refuse(V5_NO_METHOD.clone(), "SOCKS 5 client offers no acceptable method (offered " + offered
                    + (passwordRequired ? "; AUTH(USERPASS) needs X'02')" : ")"));
        }
        state = chosen == METHOD_USERPASS ? State.V5_AUTH : State.V5_REQUEST;
        return new Step.Reply(new byte[]{5, (byte) chosen});
    }

    private Step userPassword(ByteBuffer in) {
        int p = in.position();
        if (in.remaining() < 2) {
            return new Step.NeedMore();
        }
        int subVersion = in.get(p) & 0xFF;
        if (subVersion != 1) {
            return refuse(AUTH_FAILED.clone(), "RFC 1929 sub-negotiation version is " + subVersion + ", not 1");
        }
        int userLength = in.get(p + 1) & 0xFF;
        if (in.remaining() < 3 + userLength) {
            return new Step.NeedMore();
        }
        int passwordLength = in.get(p + 2 + userLength) & 0xFF;
        if (in.remaining() < 3 + userLength + passwordLength) {
            return new Step.NeedMore();
        }
        byte[] name = new byte[userLength];
        in.get(p + 2, name);
        user = new String(name, StandardCharsets.UTF_8);
        byte[] password = new byte[passwordLength];
        in.get(p + 3 + userLength, password);
        in.position(p + 3 + userLength + passwordLength);
        if (userLength == 0) {
            java.util.Arrays.fill(password, (byte) 0);
            return refuse(AUTH_FAILED.clone(), "RFC 1929 user name is empty");
        }
        if (!passwordRequired) {
            java.util.Arrays.fill(password, (byte) 0);
            state = State.V5_REQUEST;
            return new Step.Reply(AUTH_OK.clone());
        }
        state = State.V5_AWAITING_AUTH;
        return new Step.Authenticate(user, password);
    }

    private Step v5Request(ByteBuffer in) {
        int p = in.position();
        if (in.remaining() < 5) {
            return new Step.NeedMore();
        }
        int requestVersion = in.get(p) & 0xFF;
        if (requestVersion != 5) {
            return refuse(ReplyCode.GENERAL_FAILURE.encode(version), "SOCKS 5 request has version " + requestVersion);
        }
        int command = in.get(p + 1) & 0xFF;
        int addressType = in.get(p + 3) & 0xFF;
        int addressStart = p + 4;
        int addressLength = switch (addressType) {
            case 1 -> 4;
            case 4 -> 16;
            case 3 -> 1 + (in.get(p + 4) & 0xFF);
            default -> -1;
        };
        if (addressLength < 0) {
            return refuse(ReplyCode.ADDRESS_TYPE_NOT_SUPPORTED.encode(version),
                    "SOCKS 5 address type " + addressType + " is not supported");
        }
        if (in.remaining() < 4 + addressLength + 2) {
            return new Step.NeedMore();
        }
        int portAt = addressStart + addressLength;
        int port = ((in.get(portAt) & 0xFF) << 8) | (in.get(portAt + 1) & 0xFF);
        String host;
        byte[] address;
        if (addressType == 3) {
            host = latin1(in, addressStart + 1, portAt);
            address = null;
        } else {
            address = new byte[addressLength];
            in.get(addressStart, address);
            host = IpAddress.format(address);
        }
        in.position(portAt + 2);
        if (command != 1) {
            String name = command == 2 ? "BIND" : command == 3 ? "UDP ASSOCIATE" : "command " + command;
            return refuse(ReplyCode.COMMAND_NOT_SUPPORTED.encode(version), "SOCKS 5 " + name + " is not supported; only CONNECT is");
        }
        return connect(false, host, address, port, ReplyCode.GENERAL_FAILURE);
    }

    private Step connect(boolean socks4a, String host, byte[] address, int port, ReplyCode invalid) {
        if (address == null) {
            if (!isHostName(host)) {
                return refuse(invalid.encode(version), "host name " + Printable.of(host, 64) + " is not valid");
            }
            byte[] literal = IpAddress.parse(host).orElse(null);
            if (literal != null) {
                address = literal;
                host = IpAddress.format(literal);
            }
        }
        if (port == 0) {
            return refuse(invalid.encode(version), "destination port 0 is not valid");
        }
        state = State.DONE;
        return new Step.Connect(new ConnectRequest(version, socks4a, host, address, port, user));
    }

    /** Letters, digits, '-', '_', '.', and ':' for IPv6 literals sent as names; 1-255 characters. */
    private static boolean isHostName(String host) {
        return !host.isEmpty() && host.length() <= MAX_FIELD && host.chars().allMatch(c ->
                (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == ':');
    }

    private Step refuse(byte[] reply, String reason) {
        state = State.DONE;
        return new Step.Refuse(reply, reason);
    }

    private Step tooLongOrMore(ByteBuffer in, int fieldStart, String field) {
        if (in.limit() - fieldStart > MAX_FIELD) {
            return refuse(ReplyCode.GENERAL_FAILURE.encode(version), field + " is longer than 255 bytes");
        }
        return new Step.NeedMore();
    }

    /** The index of the NUL ending a field that starts at {@code from}, or -1 if it is not there yet. */
    private static int indexOfNul(ByteBuffer in, int from) {
        int end = Math.min(in.limit(), from + MAX_FIELD + 1);
        for (int i = from; i < end; i++) {
            if (in.get(i) == 0) {
                return i;
            }
        }
        return -1;
    }

    private static String latin1(ByteBuffer in, int from, int to) {
        byte[] bytes = new byte[to - from];
        in.get(from, bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private static String notSocks(ByteBuffer in) {
        int length = Math.min(in.remaining(), 16);
        byte[] head = new byte[length];
        in.get(in.position(), head);
        String text = new String(head, StandardCharsets.ISO_8859_1);
        if (HTTP_METHODS.stream().anyMatch(method -> text.startsWith(method + " "))) {
            return "not a SOCKS request: it is HTTP (" + Printable.of(text) + "...); point the client's SOCKS setting, not its HTTP proxy, at the broker";
        }
        if ((head[0] & 0xFF) == 0x16) {
            return "not a SOCKS request: it looks like a TLS handshake";
        }
        return String.format("not a SOCKS request: first byte X'%02X' is no SOCKS version (%s)", head[0] & 0xFF, Printable.of(text));
    }
}
