package org.ftb.platform;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Any JVM off the mainframe. It offers the built-in symbols SYSNAME (the host name, upper case, at
 * most 8 characters, as on z/OS) and SYSCLONE (its last two characters).
 */
public final class JvmPlatform implements Platform {

    @Override
    public String name() {
        return System.getProperty("os.name");
    }

    @Override
    public Optional<String> symbol(String name) {
        return switch (name) {
            case "SYSNAME" -> Optional.of(sysname());
            case "SYSCLONE" -> Optional.of(sysname().substring(Math.max(0, sysname().length() - 2)));
            default -> Optional.empty();
        };
    }

    @Override
    public Charset nativeCharset() {
        String name = System.getProperty("native.encoding");
        return name != null && Charset.isSupported(name) ? Charset.forName(name) : Charset.defaultCharset();
    }

    @Override
    public DataSet readDataSet(String name) throws IOException {
        throw new IOException(name + " is an MVS data set name, which can be read only on z/OS under the JZOS launcher;"
                + " on " + name() + " name a file");
    }

    @Override
    public Optional<SystemConsole> systemConsole() {
        return Optional.empty();
    }

    /** The native character set: what a terminal or a pipe off the mainframe expects. */
    @Override
    public Charset consoleCharset() {
        return nativeCharset();
    }

    /** Files carry no code page tag off z/OS. */
    @Override
    public void tagTextFile(Path file, Charset charset) {
    }

    /** The short host name, without asking DNS (a resolver that hangs must not stall start-up). */
    private static String sysname() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.US_ASCII).strip();
            } catch (IOException e) {
                host = Optional.ofNullable(System.getenv("COMPUTERNAME")).orElse("LOCAL");
            }
        }
        String shortName = host.split("\\.", 2)[0].toUpperCase(Locale.ROOT);
        return shortName.substring(0, Math.min(8, shortName.length()));
    }
}
