package org.ftb.ssh;

import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.client.config.hosts.KnownHostHashValue;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.ftb.platform.PrivateFiles;
import org.ftb.platform.TextFiles;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One reading of an OpenSSH known_hosts file: the one path by which the broker's host-key check
 * ({@link HostKeyCheck}) and {@code ftb trust} read, match and add entries. The format is OpenSSH's
 * (sshd(8), "SSH_KNOWN_HOSTS FILE FORMAT"); each line is parsed by MINA's {@link KnownHostEntry}, so
 * that both see what the check sees: plain, {@code [host]:port}, wildcard and negated patterns,
 * hashed names, {@code @revoked} and {@code @cert-authority}.
 *
 * <p>The text is decoded by the platform's {@link TextFiles} rule, and what is written goes in the
 * code page the file was read in (UTF-8 for a new file, as MINA and OpenSSH write it). A new file is
 * owner-only. A file rewritten keeps its owner, group and permissions.
 */
public final class KnownHosts {
    /** OpenSSH hashes a host name with HMAC-SHA1 keyed by a random salt as long as its output (hostfile.c). */
    private static final int SALT_BYTES = 20;
    private static final String REVOKED = "revoked";

    private final Path file;
    private final boolean exists;
    private final TextFiles textFiles;
    private final TextFiles.Text text;
    private final List<Entry> entries;
    private final List<Skipped> skipped;

    /**
     * A line that names hosts and a key.
     *
     * @param line its number, from 1
     */
    record Entry(int line, KnownHostEntry hostEntry, PublicKey key) {
        boolean names(Host host) {
            return host.identities().stream().anyMatch(identity -> hostEntry.isHostMatch(identity, host.port()));
        }

        boolean marked() {
            return hostEntry.getMarker() != null;
        }
    }

    /**
     * A line that is neither blank, nor a comment, nor an entry that can be used: it is ignored, as
     * OpenSSH and MINA ignore it.
     *
     * @param line its number, from 1
     */
    public record Skipped(int line, String reason) {
    }

    /**
     * An SSH server as the broker meets it.
     *
     * @param name    the host as the broker names it (SSHHOST HOST, or the destination), canonical
     *                ({@link org.ftb.address.HostPort#canonicalHost}): new entries name it so
     * @param address the IP literal it was reached at: the broker's check matches entries for the
     *                address as well as for the name, so they count too
     * @param port    1-65535; entries for any other port than 22 name {@code [host]:port}
     */
    public record Host(String name, String address, int port) {
        List<String> identities() {
            return name.equals(address) ? List.of(name) : List.of(name, address);
        }

        @Override
        public String toString() {
            return KnownHostHashValue.createHostPattern(name, port);
        }
    }

    /** What the file says of a key the host offers. */
    public enum Status {
        /** The file has no key of this type for the host. */
        NEW,
        /** The file has this key for the host. */
        TRUSTED,
        /** The file has another key of this type for the host. */
        CHANGED,
        /** The file marks this key {@code @revoked} for the host. */
        REVOKED
    }

    /**
     * @param held for CHANGED, the fingerprints of the host's keys of this type in the file
     */
    public record Verdict(HostKey key, Status status, List<String> held) {
        public Verdict {
            held = List.copyOf(held);
        }
    }

    /** A line that would have to go, but gives the host its key through a pattern that may name other hosts too. */
    public static final class PatternConflict extends Exception {
        private static final long serialVersionUID = 1L;

        PatternConflict(String message) {
            super(message);
        }
    }

    private KnownHosts(Path file, boolean exists, TextFiles textFiles, TextFiles.Text text, List<Entry> entries, List<Skipped> skipped) {
        this.file = file;
        this.exists = exists;
        this.textFiles = textFiles;
        this.text = text;
        this.entries = List.copyOf(entries);
        this.skipped = List.copyOf(skipped);
    }

    /**
     * Reads {@code file}; a missing file reads as empty.
     *
     * @throws TextFiles.NotTextException when it is not text
     * @throws IOException                when it cannot be read
     */
    public static KnownHosts read(Path file, TextFiles textFiles) throws IOException {
        boolean exists = Files.exists(file);
        TextFiles.Text text = exists ? textFiles.read(file) : new TextFiles.Text("", StandardCharsets.UTF_8);
        List<Entry> entries = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        List<String> lines = text.lines();
        for (int i = 0; i < lines.size(); i++) {
            int number = i + 1;
            try {
                KnownHostEntry entry = KnownHostEntry.parseKnownHostEntry(lines.get(i));
                if (entry == null) {
                    continue; // blank or a comment
                }
                PublicKey key = entry.getKeyEntry().resolvePublicKey(null, PublicKeyEntryResolver.IGNORING);
                if (key == null) {
                    skipped.add(new Skipped(number, "key type " + entry.getKeyEntry().getKeyType() + " is not one the broker reads"));
                } else {
                    entries.add(new Entry(number, entry, key));
                }
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                skipped.add(new Skipped(number, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            }
        }
        return new KnownHosts(file, exists, textFiles, text, entries, skipped);
    }

    public Path file() {
        return file;
    }

    /** Whether the file existed when it was read. */
    public boolean exists() {
        return exists;
    }

    /** The code page the file is in, and new lines are written in: UTF-8 for a new file. */
    public Charset charset() {
        return text.charset();
    }

    List<Entry> entries() {
        return entries;
    }

    /** The lines that are ignored, in order. */
    public List<Skipped> skipped() {
        return skipped;
    }

    /** Whether the file holds hashed host names ({@code |1|salt|hash}): new entries are hashed then too, so as not to reveal names. */
    public boolean hashed() {
        return entries.stream().anyMatch(e -> e.hostEntry().getHashedEntry() != null);
    }

    /**
     * What the file says of each key {@code host} offers, as the broker's check would take it:
     * {@code @cert-authority} lines are not host keys and do not count.
     */
    public List<Verdict> judge(Host host, Collection<HostKey> offered) {
        List<Entry> forHost = entries.stream()
                .filter(e -> e.names(host) && !"cert-authority".equals(e.hostEntry().getMarker())).toList();
        List<Verdict> verdicts = new ArrayList<>();
        for (HostKey key : offered) {
            List<Entry> same = forHost.stream().filter(e -> key.sameKey(e.key())).toList();
            if (same.stream().anyMatch(e -> REVOKED.equals(e.hostEntry().getMarker()))) {
                verdicts.add(new Verdict(key, Status.REVOKED, List.of()));
            } else if (same.stream().anyMatch(e -> !e.marked())) {
                verdicts.add(new Verdict(key, Status.TRUSTED, List.of()));
            } else {
                List<String> held = forHost.stream().filter(e -> !e.marked() && KeyUtils.getKeyType(e.key()).equals(key.type()))
                        .map(e -> new HostKey(e.key()).fingerprint()).distinct().toList();
                verdicts.add(new Verdict(key, held.isEmpty() ? Status.NEW : Status.CHANGED, held));
            }
        }
        return verdicts;
    }

    /**
     * The known_hosts line that gives {@code host} (by its name) {@code key}: hashed when the file is
     * ({@link #hashed()}), as {@code ssh-keygen -H} hashes, with a new random salt.
     */
    public String line(Host host, HostKey key) {
        String pattern = KnownHostHashValue.createHostPattern(host.name(), host.port());
        if (hashed()) {
            byte[] salt = new byte[SALT_BYTES];
            new SecureRandom().nextBytes(salt);
            try {
                byte[] hash = KnownHostHashValue.calculateHashValue(host.name(), host.port(), KnownHostHashValue.DEFAULT_DIGEST, salt);
                pattern = KnownHostHashValue.append(new StringBuilder(), KnownHostHashValue.DEFAULT_DIGEST, salt, hash).toString();
            } catch (Exception e) {
                // HMAC-SHA1 is in every JDK: its absence is a broken runtime, not a condition to handle.
                throw new IllegalStateException("cannot hash a host name with HMAC-SHA1", e);
            }
        }
        return pattern + " " + key.openSshText();
    }

    /**
     * Adds {@code added} at the end of the file, in its code page, a line end first if its last line
     * lacks one; a missing file is made, owner-only.
     *
     * @throws IOException also when the file changed since it was read: then nothing is written
     */
    public void append(List<String> added) throws IOException {
        checkUnchanged();
        String before = text.text();
        // Only a last line without its line end gets one first.
        String lineEnd = before.isEmpty() || before.endsWith("\n") || before.endsWith("\r") ? "" : "\n";
        PrivateFiles.createIfAbsent(file);
        Files.write(file, (lineEnd + String.join("\n", added) + "\n").getBytes(text.charset()), StandardOpenOption.APPEND);
    }

    /**
     * Writes the file anew, at once (see {@link PrivateFiles#replaceKeepingAccess}), without the
     * unmarked lines that give {@code host} a key of one of {@code types}, and with {@code added} at
     * the end. A line that lists other hosts as well keeps them and loses only the host's own names.
     *
     * @return how many lines were removed or lost a name
     * @throws PatternConflict when such a line gives the host the key through a wildcard, which may
     *                         name other hosts too; nothing is written
     * @throws IOException     also when the file changed since it was read: then nothing is written
     */
    public int replace(Host host, Collection<String> types, List<String> added) throws IOException, PatternConflict {
        List<String> lines = new ArrayList<>(text.lines());
        int changed = 0;
        for (Entry entry : entries) {
            if (entry.marked() || !types.contains(KeyUtils.getKeyType(entry.key())) || !entry.names(host)) {
                continue;
            }
            Optional<String> kept = entry.hostEntry().getHashedEntry() != null ? Optional.empty()
                    : withoutNames(lines.get(entry.line() - 1), host, entry.line());
            lines.set(entry.line() - 1, kept.orElse(null));
            changed++;
        }
        lines.removeIf(line -> line == null);
        lines.addAll(added);
        checkUnchanged();
        PrivateFiles.replaceKeepingAccess(file, (String.join("\n", lines) + "\n").getBytes(text.charset()));
        return changed;
    }

    /** A plain line without the host's own patterns, or empty when it names no other host. */
    private static Optional<String> withoutNames(String line, Host host, int number) throws PatternConflict {
        String[] fields = line.strip().split("\\s+", 2);
        List<String> own = host.identities().stream()
                .map(identity -> KnownHostHashValue.createHostPattern(identity, host.port()).toLowerCase(Locale.ROOT)).toList();
        List<String> others = Arrays.stream(fields[0].split(",")).filter(p -> !own.contains(p.toLowerCase(Locale.ROOT))).toList();
        if (others.isEmpty()) {
            return Optional.empty();
        }
        String rest = String.join(",", others) + " " + fields[1];
        KnownHostEntry still = KnownHostEntry.parseKnownHostEntry(rest);
        if (host.identities().stream().anyMatch(identity -> still.isHostMatch(identity, host.port()))) {
            throw new PatternConflict("line " + number + " gives " + host + " its key through the pattern(s) " + String.join(",", others)
                    + ", which may name other hosts as well");
        }
        return Optional.of(rest);
    }

    /** Another writer (an operator, ACCEPTNEW) may have changed the file since it was read: its lines would be lost or doubled. */
    private void checkUnchanged() throws IOException {
        String now = Files.exists(file) ? textFiles.read(file).text() : null;
        if (exists ? !text.text().equals(now) : now != null) {
            throw new IOException(file + " changed since it was read");
        }
    }
}
