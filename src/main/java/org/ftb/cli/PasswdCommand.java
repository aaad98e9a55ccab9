package org.ftb.cli;

import org.ftb.auth.UserDirectory;
import org.ftb.config.Diagnostics;
import org.ftb.message.Msg;
import org.ftb.platform.Platform;
import org.ftb.platform.PrivateFiles;
import org.ftb.platform.TextFiles;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code ftb passwd}: sets a user's password in a users file, as a salted slow hash. */
@Command(name = "passwd", mixinStandardHelpOptions = true,
        description = "Set USER's password in a users file (the USERS file of SOCKS or GATEWAY). The password is read from the terminal "
                + "(asked twice) or, without a terminal, from the first line of standard input. Only a salted "
                + "PBKDF2 hash is stored.")
final class PasswdCommand implements Callable<Integer> {
    /** Standard input read at most: a password, not a file. */
    private static final int MAX_INPUT = 64 * 1024;

    @Option(names = "--file", required = true, paramLabel = "FILE", description = "The users file; created when missing.")
    Path file;

    @Parameters(paramLabel = "USER", description = "The user name.")
    String user;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (!UserDirectory.isValidUser(user)) {
            return refuse(out, "user name must be 1 to 255 characters without blanks or ':'");
        }
        TextFiles textFiles = new TextFiles(Platform.detect().nativeCharset());
        // A file made in the platform code page (an untagged IBM-1047 file from ISPF) stays in it.
        TextFiles.Text existing;
        try {
            existing = Files.exists(file) ? textFiles.read(file) : new TextFiles.Text("", StandardCharsets.UTF_8);
        } catch (TextFiles.NotTextException e) {
            return refuse(out, "users file " + file + " is not text: " + e.getMessage() + "; nothing was changed");
        }
        char[] password;
        try {
            password = readPassword(textFiles);
        } catch (TextFiles.NotTextException e) {
            return refuse(out, "the password on standard input is not text: " + e.summary() + "; nothing was changed");
        }
        if (password == null || password.length == 0 || !UserDirectory.isUsablePassword(password)) {
            if (password != null) {
                Arrays.fill(password, '\0');
            }
            return refuse(out, password == null ? "the two passwords differ; nothing was changed"
                    : password.length == 0 ? "the password is empty; nothing was changed"
                    : "the password holds a NUL character, which no login accepts; nothing was changed");
        }
        String entry;
        try {
            entry = UserDirectory.entry(user, password, UserDirectory.DEFAULT_ITERATIONS);
        } finally {
            Arrays.fill(password, '\0');
        }
        List<String> lines = new ArrayList<>();
        for (String line : existing.lines()) {
            if (!line.startsWith(user + ":")) {
                lines.add(line);
            }
        }
        lines.add(entry);
        PrivateFiles.replace(file, (String.join("\n", lines) + "\n").getBytes(existing.charset()));
        out.println(Msg.FTB0410I.format(user, file));
        out.flush();
        return Diagnostics.RC_OK;
    }

    private static int refuse(PrintWriter out, String reason) {
        out.println(Msg.FTB0411E.format(reason));
        out.flush();
        return Diagnostics.RC_ERROR;
    }

    /**
     * The password, or null when the terminal's two entries differ. Without a terminal it is the first
     * line of standard input, decoded as a file is: a z/OS shell pipes EBCDIC.
     */
    private static char[] readPassword(TextFiles textFiles) throws IOException {
        Console console = System.console();
        if (console != null) {
            char[] first = console.readPassword("Password for the user: ");
            char[] second = console.readPassword("Again: ");
            boolean same = Arrays.equals(first, second);
            Arrays.fill(second, '\0');
            return same ? first : null;
        }
        List<String> lines = textFiles.decode(System.in.readNBytes(MAX_INPUT)).lines();
        return lines.isEmpty() ? new char[0] : lines.get(0).toCharArray();
    }
}
