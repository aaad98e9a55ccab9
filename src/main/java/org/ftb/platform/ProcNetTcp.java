package org.ftb.platform;

import org.ftb.address.IpAddress;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * Socket owners from Linux's {@code /proc/net/tcp} and {@code tcp6} (proc(5)): one line per socket of
 * this network namespace, whatever its owner, with the local and remote address, and the uid of the
 * user that created it in the eighth field. Addresses are hex words in the host's byte order, ports
 * hex in network order; an IPv4 client of an IPv6 socket shows as {@code ::ffff:a.b.c.d}. A socket its
 * process has closed stays listed for a while with inode 0 and, once in TIME_WAIT or FIN_WAIT2, uid 0:
 * its owner is gone, so it has none here, or any local user could pass for root by closing quickly.
 *
 * <p>Reading a table costs the kernel a walk of its whole TCP hash, however few sockets are open:
 * about 4.5 ms of CPU for each table on a host with 262,144 hash buckets (the kernel sizes it by the
 * memory). So one pass looks for every connection asked about meanwhile: a caller that comes while
 * a pass runs waits for the next one, which also serves every other caller that came meanwhile. A
 * pass that began before a question was asked never answers it, so a socket made just before the
 * question is always in the pass that answers it.
 */
final class ProcNetTcp implements SocketOwners {
    private static final int UID_FIELD = 7;
    private static final int INODE_FIELD = 9;
    private final Path dir;
    private final Object lock = new Object();
    /** The questions the next pass answers; guarded by {@link #lock}. */
    private List<Question> waiting = new ArrayList<>();
    /** Whether a pass runs; guarded by {@link #lock}. */
    private boolean passing;

    /** One caller's connections, and their owners once a pass has looked, or why it could not. */
    private static final class Question {
        final List<Ends> connections;
        final OptionalInt[] owners;
        boolean answered;
        /** Set when a connection's owner could not be read: the whole question fails. */
        IOException failure;

        Question(List<Ends> connections) {
            this.connections = connections;
            this.owners = new OptionalInt[connections.size()];
            Arrays.fill(owners, OptionalInt.empty());
        }

        void failed(IOException why) {
            if (failure == null) {
                failure = why;
            }
        }

        List<OptionalInt> answer() throws IOException {
            if (failure != null) {
                throw new IOException(failure.getMessage(), failure);
            }
            return List.of(owners);
        }
    }

    ProcNetTcp(Path dir) {
        this.dir = dir;
    }

    @Override
    public boolean available() {
        return true;
    }

    @Override
    public List<OptionalInt> ownersOf(List<Ends> connections) throws IOException {
        Question mine = new Question(List.copyOf(connections));
        List<Question> pass;
        synchronized (lock) {
            waiting.add(mine);
            while (passing && !mine.answered) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    waiting.remove(mine);
                    throw new InterruptedIOException("interrupted while waiting to read " + dir.resolve("tcp"));
                }
            }
            if (mine.answered) {
                return mine.answer();
            }
            passing = true;
            pass = waiting;
            waiting = new ArrayList<>();
        }
        try {
            look(pass);
        } finally {
            synchronized (lock) {
                pass.forEach(q -> q.answered = true);
                passing = false;
                lock.notifyAll();
            }
        }
        return mine.answer();
    }

    /**
     * One pass through the tables for every connection of {@code questions}; each table is read only
     * while some connection is still unfound. A table that cannot be read fails every question with a
     * connection not found yet; a line that cannot be read fails only the connection it may be.
     */
    private void look(List<Question> questions) {
        List<Sought> unfound = new ArrayList<>();
        for (Question q : questions) {
            for (int i = 0; i < q.connections.size(); i++) {
                unfound.add(new Sought(q, i, q.connections.get(i)));
            }
        }
        for (String table : new String[]{"tcp", "tcp6"}) {
            if (unfound.isEmpty()) {
                return;
            }
            Path file = dir.resolve(table);
            try (BufferedReader lines = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
                lines.readLine(); // the heading
                for (String line; !unfound.isEmpty() && (line = lines.readLine()) != null; ) {
                    for (Iterator<Sought> each = unfound.iterator(); each.hasNext(); ) {
                        if (each.next().settledBy(line, file)) {
                            each.remove();
                        }
                    }
                }
            } catch (NoSuchFileException e) {
                if (table.equals("tcp")) {
                    unfound.forEach(sought -> sought.question.failed(new IOException("cannot read " + file + ": it is missing", e)));
                    return;
                }
                // no IPv6 on this host: only tcp
            } catch (IOException | RuntimeException e) {
                IOException why = new IOException("cannot read " + file + ": " + e.getMessage(), e);
                unfound.forEach(sought -> sought.question.failed(why));
                return;
            }
        }
    }

    /** A connection looked for: the client's socket has the client's address as its local end. */
    private static final class Sought {
        private final Question question;
        private final int index;
        private final String clientPort;
        private final String serverPort;
        private final byte[] clientIp;
        private final byte[] serverIp;

        Sought(Question question, int index, Ends ends) {
            this.question = question;
            this.index = index;
            this.clientPort = String.format(Locale.ROOT, ":%04X", ends.client().getPort());
            this.serverPort = String.format(Locale.ROOT, ":%04X", ends.server().getPort());
            this.clientIp = IpAddress.unmapped(ends.client().getAddress().getAddress());
            this.serverIp = IpAddress.unmapped(ends.server().getAddress().getAddress());
        }

        /**
         * True when {@code line} settles this connection: it is the client's socket, whose owner is noted,
         * or it may be and cannot be read, which fails the question.
         */
        boolean settledBy(String line, Path table) {
            // A cheap filter first: most lines are other connections.
            if (!line.contains(clientPort) || !line.contains(serverPort)) {
                return false;
            }
            try {
                String[] f = line.trim().split("\\s+");
                if (f.length <= INODE_FIELD || !matches(f[1], clientIp, clientPort) || !matches(f[2], serverIp, serverPort)) {
                    return false;
                }
                // proc(5) prints the uid unsigned: uids from 2^31 up are kept as the int of the same 32 bits.
                question.owners[index] = f[INODE_FIELD].equals("0") ? OptionalInt.empty() : OptionalInt.of(Integer.parseUnsignedInt(f[UID_FIELD]));
            } catch (RuntimeException e) {
                question.failed(new IOException("cannot read a line of " + table + " (" + e + "): " + line.trim()));
            }
            return true;
        }
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
