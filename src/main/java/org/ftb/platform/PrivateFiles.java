package org.ftb.platform;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Files only their owner may use: private keys, passphrases, logs. Only where the file system has
 * POSIX permissions (Linux, AIX, z/OS UNIX, macOS); elsewhere (Windows) nothing is checked or set.
 */
public final class PrivateFiles {
    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
    private static final Set<PosixFilePermission> WRITE_BY_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY_DIRECTORY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

    private PrivateFiles() {
    }

    /**
     * The refusal of a secret file ({@code what}: KEY, PASSPHRASE, HOSTKEY) that is not a regular file,
     * that another user owns, or that its group or others may use, as OpenSSH refuses an unprotected
     * private key; empty when only its owner, the user this process runs as, may use it, when it is
     * missing or unreadable (reading it will say why), or on a file system without POSIX permissions.
     */
    public static Optional<String> unprotected(String what, Path file) {
        return refusal(file, "UNPROTECTED PRIVATE KEY FILE: " + what + " file " + file + " is refused: ", OTHERS, false,
                "make it owner-only (chmod 600)");
    }

    /**
     * The refusal of a file that decides who may log in (an authorized_keys file) that someone else
     * could change: not a regular file, owned by another user than this process's or root, or writable
     * by its group or others, as OpenSSH's StrictModes; empty when it is safe, missing or unreadable, or
     * on a file system without POSIX permissions.
     */
    public static Optional<String> changeableByOthers(String what, Path file) {
        return refusal(file, what + " file " + file + " is not trusted: ", WRITE_BY_OTHERS, true, "make it writable by its owner only (chmod 644)");
    }

    private static Optional<String> refusal(Path file, String refused, Set<PosixFilePermission> forbidden, boolean rootMayOwn, String fix) {
        if (!isPosix(file)) {
            return Optional.empty();
        }
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, PosixFileAttributes.class);
        } catch (IOException e) {
            return Optional.empty();
        }
        if (!attributes.isRegularFile()) {
            // Reading a FIFO or a device would block or never end, with nothing said.
            return Optional.of(refused + "it is not a regular file; name a plain file");
        }
        Optional<UserPrincipal> self = processUser(file);
        String owner = attributes.owner().getName();
        if (self.isPresent() && !self.get().equals(attributes.owner()) && !(rootMayOwn && owner.equals("root"))) {
            return Optional.of(refused + "it is owned by " + owner + ", who can replace it, not by "
                    + self.get().getName() + ", the user ftb runs as; chown it to " + self.get().getName());
        }
        Set<PosixFilePermission> permissions = attributes.permissions();
        if (permissions.stream().noneMatch(forbidden::contains)) {
            return Optional.empty();
        }
        return Optional.of(refused + "its permissions " + PosixFilePermissions.toString(permissions) + " let others at it; " + fix);
    }

    /** The user this process runs as, as the file system names owners; empty when it cannot tell. */
    private static Optional<UserPrincipal> processUser(Path file) {
        try {
            return Optional.of(file.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(System.getProperty("user.name")));
        } catch (IOException | UnsupportedOperationException e) {
            // A file system that cannot name owners: the owner check has nothing to compare.
            return Optional.empty();
        }
    }

    /** Creates {@code file}, which must not exist, readable and writable by its owner only from the start. */
    public static OutputStream create(Path file) throws IOException {
        Set<StandardOpenOption> options = EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        return Channels.newOutputStream(isPosix(file) ? Files.newByteChannel(file, options, OWNER_ONLY) : Files.newByteChannel(file, options));
    }

    /**
     * Creates {@code file} empty and owner-only unless it exists; a file that exists keeps its permissions.
     *
     * @return true when it was made now
     */
    public static boolean createIfAbsent(Path file) throws IOException {
        try {
            create(file).close();
            return true;
        } catch (FileAlreadyExistsException e) {
            // An existing file is the operator's: its permissions are theirs to choose.
            return false;
        }
    }

    /**
     * Replaces {@code file} (or makes it) with {@code content}, owner-only. The content goes to a
     * temporary file beside it, owner-only from its creation, which is then moved over it (atomically
     * where the file system can): a reader sees the old file or the new one, and a crash leaves no
     * half-written file.
     */
    public static void replace(Path file, byte[] content) throws IOException {
        replace(file, content, false);
    }

    /**
     * As {@link #replace(Path, byte[])}, but a file that exists keeps its owner, group and
     * permissions: a file that others read (a known_hosts file that the broker's user reads) stays
     * readable to them. A new file is owner-only.
     *
     * @throws IOException also when the owner cannot be kept (only a superuser may give a file away);
     *                     the file is then unchanged
     */
    public static void replaceKeepingAccess(Path file, byte[] content) throws IOException {
        replace(file, content, true);
    }

    private static void replace(Path file, byte[] content, boolean keepAccess) throws IOException {
        // The file a symbolic link names is replaced, not the link.
        Path target = Files.exists(file) ? file.toRealPath() : file.toAbsolutePath();
        boolean posix = isPosix(target);
        PosixFileAttributes old = keepAccess && posix && Files.exists(target) ? Files.readAttributes(target, PosixFileAttributes.class) : null;
        Path temp = posix ? Files.createTempFile(target.getParent(), ".ftb-", ".tmp", OWNER_ONLY)
                : Files.createTempFile(target.getParent(), ".ftb-", ".tmp");
        try {
            Files.write(temp, content);
            if (old != null) {
                PosixFileAttributeView view = Files.getFileAttributeView(temp, PosixFileAttributeView.class);
                PosixFileAttributes made = view.readAttributes();
                if (!made.owner().equals(old.owner())) {
                    view.setOwner(old.owner());
                }
                if (!made.group().equals(old.group())) {
                    view.setGroup(old.group());
                }
                view.setPermissions(old.permissions());
            }
            try {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Makes {@code directory} owner-only (0700) unless it exists, its missing parents as the umask says.
     * One that exists must be a directory itself, not a link to one, owned by the user this process
     * runs as, that its group and others cannot use: in a directory others may write, or one another
     * user made first (in a shared /tmp, anyone may), a file could be replaced or watched. On a file
     * system without POSIX permissions it is only made.
     *
     * @throws IOException when it cannot be made, or is not private (the message says why and what to do)
     */
    public static void privateDirectory(Path directory) throws IOException {
        if (!isPosix(directory)) {
            Files.createDirectories(directory);
            return;
        }
        if (Files.notExists(directory, LinkOption.NOFOLLOW_LINKS)) {
            Path parent = directory.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try {
                Files.createDirectory(directory, OWNER_ONLY_DIRECTORY);
            } catch (FileAlreadyExistsException e) {
                // Made meanwhile, by another start or another user: checked below like any that exists.
            }
        }
        PosixFileAttributes attributes = Files.readAttributes(directory, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        String refused = "directory " + directory + " is not private: ";
        if (!attributes.isDirectory()) {
            throw new IOException(refused + "it is " + (attributes.isSymbolicLink() ? "a symbolic link" : "not a directory")
                    + "; remove it, or name another place");
        }
        Optional<UserPrincipal> self = processUser(directory);
        if (self.isPresent() && !self.get().equals(attributes.owner())) {
            throw new IOException(refused + "it is owned by " + attributes.owner().getName() + ", not by " + self.get().getName()
                    + ", the user ftb runs as; remove it, or name another place");
        }
        if (attributes.permissions().stream().anyMatch(OTHERS::contains)) {
            throw new IOException(refused + "its permissions " + PosixFilePermissions.toString(attributes.permissions())
                    + " let others at it; make it owner-only (chmod 700)");
        }
    }

    private static boolean isPosix(Path file) {
        return file.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
