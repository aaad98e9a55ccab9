package org.ftb.platform;

import org.ftb.address.IpAddress;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * Socket owners from Linux's {@code /proc/net/tcp} and {@code tcp6} (proc(5)): one line per socket of
 * this network namespace, whatever its owner, with the local and remote address, and the uid of the
 * user that created it in the eighth field. Addresses are hex words in the host's byte order, ports
 * hex in network order; an IPv4 client of an IPv6 socket shows as {@code ::ffff:a.b.c.d}. A socket its
 * process has closed stays listed for a while with inode 0 and, once in TIME_WAIT or FIN_WAIT2, uid 0:
 * its owner is gone, so it has none here, or any local user could pass for root by closing quickly.
 */
final class ProcNetTcp implements SocketOwners {
    private static final int UID_FIELD = 7;
    private static final int INODE_FIELD = 9;
    private final Path dir;

    ProcNetTcp(Path dir) {
        this.dir = dir;
    }

    @Override
    public boolean available() {
        return true;
    }

    @Override
    public OptionalInt ownerOf(InetSocketAddress client, InetSocketAddress server) {
        // The client's own socket has the client's address as its local end.
        String clientPort = String.format(Locale.ROOT, ":%04X", client.getPort());
        String serverPort = String.format(Locale.ROOT, ":%04X", server.getPort());
        byte[] clientIp = IpAddress.unmapped(client.getAddress().getAddress());
        byte[] serverIp = IpAddress.unmapped(server.getAddress().getAddress());
        for (String table : new String[]{"tcp", "tcp6"}) {
            try (BufferedReader lines = Files.newBufferedReader(dir.resolve(table), StandardCharsets.US_ASCII)) {
                lines.readLine(); // the heading
                for (String line; (line = lines.readLine()) != null; ) {
                    // A cheap filter first: most lines are other connections.
                    if (!line.contains(clientPort) || !line.contains(serverPort)) {
                        continue;
                    }
                    String[] f = line.trim().split("\\s+");
                    if (f.length > INODE_FIELD && matches(f[1], clientIp, clientPort) && matches(f[2], serverIp, serverPort)) {
                        return f[INODE_FIELD].equals("0") ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(f[UID_FIELD]));
                    }
                }
            } catch (NoSuchFileException e) {
                // no IPv6 on this host: only tcp
            } catch (IOException | RuntimeException e) {
                return OptionalInt.empty();
            }
        }
        return OptionalInt.empty();
    }

    /** {@code field} is "ADDRESS:PORT" as proc(5) prints it. */
    private static boolean matches(String field, byte[] ip, String port) {
        int colon = field.indexOf(':');
        return colon > 0 && field.substring(colon).equals(port) && Arrays.equals(IpAddress.unmapped(address(field.substring(0, colon))), ip);
    }

    /** Hex words of 32 bits, each printed as the host stores it. */
    static byte[] address(String hex) {
        ByteBuffer bytes = ByteBuffer.allocate(hex.length() / 2).order(ByteOrder.nativeOrder());
        for (int i = 0; i + 8 <= hex.length(); i += 8) {
            bytes.putInt((int) Long.parseLong(hex.substring(i, i + 8), 16));
        }
        return bytes.array();
    }
}
