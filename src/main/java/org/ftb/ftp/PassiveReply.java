package org.ftb.ftp;

import org.ftb.message.Printable;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The data port a server announces in a 227 (PASV) or 229 (EPSV) reply, and the replies the broker
 * sends instead, pointing the client at its own data listener. The 227 address is kept only as a
 * hint: data always goes to the control connection's server. Every line of a multi-line reply is
 * searched, since servers put the numbers on the first line or the last.
 */
public final class PassiveReply {
    /** RFC 1123 4.1.2.6: scan for the six numbers wherever they are in the text. */
    private static final Pattern PASV = Pattern.compile("(\\d{1,3}),(\\d{1,3}),(\\d{1,3}),(\\d{1,3}),(\\d{1,3}),(\\d{1,3})");
    /** The reply code in front of a line, which must not be taken for one of the numbers. */
    private static final Pattern CODE = Pattern.compile("\\d{3}[ -]");
    /** RFC 2428 section 3: (<d><d><d>port<d>) with any delimiter from 33 to 126. */
    private static final Pattern EPSV = Pattern.compile("\\(([\\x21-\\x7E])\\1\\1(\\d{1,5})\\1\\)");

    /** What the server announced. */
    public record Announced(String address, int port) {
    }

    private PassiveReply() {
    }

    /** The address and port of a 227 reply's lines (code included); empty if none holds a valid one. */
    public static Optional<Announced> parse227(List<String> lines) {
        for (String line : lines) {
            Matcher m = PASV.matcher(CODE.matcher(line).lookingAt() ? line.substring(4) : line);
            while (m.find()) {
                Optional<Announced> found = announced(m);
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<Announced> announced(Matcher m) {
        int[] n = new int[6];
        for (int i = 0; i < 6; i++) {
            n[i] = Integer.parseInt(m.group(i + 1));
            if (n[i] > 255) {
                return Optional.empty();
            }
        }
        int port = n[4] * 256 + n[5];
        return port == 0 ? Optional.empty() : Optional.of(new Announced(n[0] + "." + n[1] + "." + n[2] + "." + n[3], port));
    }

    /** The port of a 229 reply's lines; empty if none is valid. */
    public static Optional<Integer> parse229(List<String> lines) {
        for (String line : lines) {
            Matcher m = EPSV.matcher(line);
            while (m.find()) {
                int port = Integer.parseInt(m.group(2));
                if (port >= 1 && port <= 65535) {
                    return Optional.of(port);
                }
            }
        }
        return Optional.empty();
    }

    /** What the client gets for a server's passive reply, and what the log must say when it is not the rewritten reply. */
    record Answer(FtpReply reply, Optional<String> problem) {
    }

    /**
     * The client's answer to a server's complete 227 or 229 reply: the reply rewritten to point at a
     * broker data port, or a 425 with the problem (the reply could not be held whole, holds no valid
     * announcement, or no broker port could be opened). A passive reply the broker cannot use never
     * reaches the client, since the client would then go to the server's address outside the tunnel.
     *
     * @param holdProblem why the reply could not be held whole, or null
     */
    static Answer answer(int code, List<String> lines, String holdProblem, DataPorts ports) {
        String problem = holdProblem;
        if (problem == null) {
            try {
                Optional<FtpReply> rewritten = pointAtBroker(code, lines, ports);
                if (rewritten.isPresent()) {
                    return new Answer(rewritten.get(), Optional.empty());
                }
                problem = "no valid " + (code == 227 ? "address and port" : "port") + " in \"" + Printable.of(String.join(" | ", lines), 120) + "\"";
            } catch (IOException e) {
                return new Answer(FtpReply.of(425, "Cannot open a data port on the broker: " + e.getMessage()),
                        Optional.of("no broker data port: " + e.getMessage()));
            }
        }
        return new Answer(FtpReply.of(425, "Cannot open data connection: the FTP server's " + code
                + " reply could not be read by the broker (" + problem + ")"), Optional.of(problem));
    }

    /**
     * A 227 or 229 reply's lines rewritten to point at a broker data port opened for the port the
     * server announced; empty when the lines hold no valid announcement.
     *
     * @throws IOException when {@code ports} cannot open a port
     */
    private static Optional<FtpReply> pointAtBroker(int code, List<String> lines, DataPorts ports) throws IOException {
        if (code == 227) {
            Optional<Announced> announced = parse227(lines);
            if (announced.isPresent()) {
                return Optional.of(rewrite227(ports.address(), ports.announce(announced.get().port(), Optional.of(announced.get().address()))));
            }
            return Optional.empty();
        }
        Optional<Integer> announced = parse229(lines);
        if (announced.isPresent()) {
            return Optional.of(rewrite229(ports.announce(announced.get(), Optional.empty())));
        }
        return Optional.empty();
    }

    /** A 227 reply pointing at {@code ipv4:port}. */
    public static FtpReply rewrite227(byte[] ipv4, int port) {
        return FtpReply.of(227, "Entering Passive Mode (" + (ipv4[0] & 0xFF) + "," + (ipv4[1] & 0xFF) + "," + (ipv4[2] & 0xFF) + ","
                + (ipv4[3] & 0xFF) + "," + (port >> 8) + "," + (port & 0xFF) + ")");
    }

    /** A 229 reply pointing at {@code port}. */
    public static FtpReply rewrite229(int port) {
        return FtpReply.of(229, "Entering Extended Passive Mode (|||" + port + "|)");
    }
}
