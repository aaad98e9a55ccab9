package org.ftb.cli;

import org.ftb.address.HostPort;
import org.ftb.address.IpAddress;
import org.ftb.config.BrokerConfig;
import org.ftb.config.ConfigLoader;
import org.ftb.config.Diagnostics;
import org.ftb.config.SshHostSettings;
import org.ftb.message.Msg;
import org.ftb.message.Severity;
import org.ftb.net.Resolver;
import org.ftb.platform.Platform;
import org.ftb.platform.TextFiles;
import org.ftb.ssh.HostKey;
import org.ftb.ssh.HostKeyScan;
import org.ftb.ssh.KnownHosts;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;

/**
 * {@code ftb trust}: onboards an SSH server's host keys into a known_hosts file by command, so that
 * HOSTKEYS(STRICT) accepts the server, instead of someone logging in interactively as each job's user.
 * Return codes: 0 written or nothing to write, 4 not confirmed at the terminal, 8 nothing written for
 * a reason the messages give, 12 a wrong command line.
 */
@Command(name = "trust", mixinStandardHelpOptions = true,
        description = {"Fetch every host key of an SSH server (of the types the broker accepts), show each one's type, SHA256 "
                + "fingerprint and status in the known_hosts file (NEW, ALREADY TRUSTED, CHANGED, REVOKED), and add the new "
                + "ones, after confirmation on the terminal or with --yes. A CHANGED key is replaced only with --replace.",
                "ftb trust HOST[:PORT] --known-hosts FILE",
                "ftb trust --config SOURCE SSHHOST [HOST]: the SSH server, PORT and KNOWNHOSTS of that SSHHOST statement; "
                        + "HOST names the SSH server of an SSHHOST with HOST(*).",
                "RC 0 written or nothing to write, 4 not confirmed, 8 nothing written (see the message), 12 wrong command line."})
final class TrustCommand implements Callable<Integer> {
    private static final int MAX_TIMEOUT = 3600;

    private final Platform platform;

    @ArgGroup(exclusive = false)
    ConfigOptions configOptions;

    @Option(names = "--known-hosts", paramLabel = "FILE", description = "The known_hosts file; created, owner-only, when missing.")
    Path knownHostsFile;

    @Option(names = "--yes", description = "Write without asking; needed where there is no terminal (batch, scripts).")
    boolean yes;

    @Option(names = "--replace", description = "Replace the file's old key of a type whose key CHANGED.")
    boolean replace;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "Time each connection has to connect, then to finish its key exchange (1-3600; default ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Parameters(index = "0", paramLabel = "HOST[:PORT]|SSHHOST",
            description = "The SSH server (a name or IP address, HOST:PORT, [IPv6]:PORT), or with --config the SSHHOST's NAME.")
    String first;

    @Parameters(index = "1", arity = "0..1", paramLabel = "HOST",
            description = "With --config and an SSHHOST with HOST(*): the SSH server (a name or IP address); PORT is the SSHHOST's.")
    String second;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    TrustCommand(Platform platform) {
        this.platform = platform;
    }

    /** The server to trust and the file to trust it in. */
    private record Target(String host, int port, Path knownHosts, TextFiles textFiles) {
    }

    /** A server argument: a host and maybe a port. */
    record Server(String host, OptionalInt port) {
    }

    @Override
    public Integer call() {
        CommandLine commandLine = spec.commandLine();
        PrintWriter out = commandLine.getOut();
        if ((configOptions == null) == (knownHostsFile == null) || knownHostsFile != null && second != null) {
            throw new CommandLine.ParameterException(commandLine, Msg.FTB0619E.format());
        }
        if (timeoutSeconds < 1 || timeoutSeconds > MAX_TIMEOUT) {
            throw new CommandLine.ParameterException(commandLine, Msg.FTB0620E.format(timeoutSeconds));
        }
        try {
            return trust(knownHostsFile != null ? fromArgument() : fromConfig(commandLine, out), out);
        } catch (Refusal refusal) {
            if (refusal.text != null) {
                out.println(refusal.text);
            }
            return refusal.returnCode;
        } finally {
            out.flush();
        }
    }

    private Target fromArgument() {
        Optional<Server> server = server(first);
        if (server.isEmpty()) {
            throw new Refusal(Msg.FTB0609E.format(first), Diagnostics.RC_ERROR);
        }
        return new Target(server.get().host(), server.get().port().orElse(SshHostSettings.DEFAULT_PORT), knownHostsFile,
                new TextFiles(platform.nativeCharset()));
    }

    /** The SSHHOST's server, PORT and KNOWNHOSTS; the configuration's errors end the command, its warnings are for ftb check. */
    private Target fromConfig(CommandLine commandLine, PrintWriter out) {
        ConfigLoader.Result result = configOptions.load(commandLine);
        if (result.config().isEmpty()) {
            result.diagnostics().all().stream().filter(d -> d.severity().compareTo(Severity.W) > 0).forEach(d -> out.println(d.text()));
            throw new Refusal(null, result.returnCode());
        }
        BrokerConfig config = result.config().get();
        String name = first.toUpperCase(Locale.ROOT);
        SshHostSettings sshHost = config.sshHost(name).orElseThrow(() -> new Refusal(Msg.FTB0610E.format(config.source(), name,
                config.sshHosts().isEmpty() ? "none" : String.join(", ", config.sshHosts().stream().map(SshHostSettings::name).toList())),
                Diagnostics.RC_ERROR));
        String host;
        if (sshHost.host().isPresent()) {
            if (second != null) {
                throw new Refusal(Msg.FTB0612E.format(name, sshHost.host().get()), Diagnostics.RC_ERROR);
            }
            host = sshHost.host().get();
        } else {
            if (second == null) {
                throw new Refusal(Msg.FTB0611E.format(name), Diagnostics.RC_ERROR);
            }
            Server server = server(second).orElseThrow(() -> new Refusal(Msg.FTB0609E.format(second), Diagnostics.RC_ERROR));
            if (server.port().isPresent()) {
                throw new Refusal(Msg.FTB0613E.format(name, sshHost.port(), server.host()), Diagnostics.RC_ERROR);
            }
            host = server.host();
        }
        return new Target(host, sshHost.port(), sshHost.knownHosts(), sshHost.textFiles());
    }

    /**
     * Why the command ends before it connects: its message (none when the messages are out already) and
     * return code. It carries no stack trace: it is an answer, not a fault.
     */
    private static final class Refusal extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String text;
        private final int returnCode;

        Refusal(String text, int returnCode) {
            super(text, null, false, false);
            this.text = text;
            this.returnCode = returnCode;
        }
    }

    private int trust(Target target, PrintWriter out) {
        KnownHosts file;
        try {
            file = KnownHosts.read(target.knownHosts(), target.textFiles());
        } catch (IOException e) {
            return say(out, Msg.FTB0614E.format(target.knownHosts(), reason(e)), Diagnostics.RC_ERROR);
        }
        file.skipped().forEach(s -> out.println(Msg.FTB0617W.format(target.knownHosts(), s.line(), s.reason())));
        String where = IpAddress.hostForPort(target.host()) + ":" + target.port();
        InetAddress address;
        List<HostKey> keys;
        try {
            address = Resolver.system().resolve(target.host());
            keys = HostKeyScan.scan(new InetSocketAddress(address, target.port()), Duration.ofSeconds(timeoutSeconds));
        } catch (UnknownHostException e) {
            return say(out, Msg.FTB0608E.format(where, "its name does not resolve here (" + reason(e) + ")"), Diagnostics.RC_ERROR);
        } catch (HostKeyScan.ScanFailure e) {
            return say(out, Msg.FTB0608E.format(where, e.getMessage()), Diagnostics.RC_ERROR);
        }
        KnownHosts.Host host = new KnownHosts.Host(target.host(), IpAddress.format(IpAddress.unmapped(address.getAddress())), target.port());
        List<KnownHosts.Verdict> verdicts = file.judge(host, keys);
        out.println(Msg.FTB0600I.format(host, host.address(), keys.size(), target.knownHosts()));
        for (KnownHosts.Verdict verdict : verdicts) {
            out.println(Msg.FTB0601I.format(verdict.key().type(), verdict.key().fingerprint(),
                    verdict.status() == KnownHosts.Status.TRUSTED ? "ALREADY TRUSTED" : verdict.status().name()));
        }
        return write(target, file, host, verdicts, out);
    }

    /** Writes the NEW keys, and the CHANGED ones with --replace, once the operator agreed; refuses a revoked or (without --replace) changed key. */
    private int write(Target target, KnownHosts file, KnownHosts.Host host, List<KnownHosts.Verdict> verdicts, PrintWriter out) {
        List<KnownHosts.Verdict> revoked = having(verdicts, KnownHosts.Status.REVOKED);
        List<KnownHosts.Verdict> changed = having(verdicts, KnownHosts.Status.CHANGED);
        revoked.forEach(v -> out.println(Msg.FTB0605E.format(v.key().type(), v.key().fingerprint(), host, target.knownHosts())));
        if (!replace) {
            changed.forEach(v -> out.println(Msg.FTB0604E.format(v.key().type(), host, target.knownHosts(), String.join(", ", v.held()),
                    v.key().fingerprint())));
        }
        if (!revoked.isEmpty() || !replace && !changed.isEmpty()) {
            return Diagnostics.RC_ERROR;
        }
        List<KnownHosts.Verdict> toWrite = verdicts.stream()
                .filter(v -> v.status() == KnownHosts.Status.NEW || v.status() == KnownHosts.Status.CHANGED).toList();
        if (toWrite.isEmpty()) {
            return say(out, Msg.FTB0603I.format(target.knownHosts(), host), Diagnostics.RC_OK);
        }
        if (!yes) {
            out.flush();
            Console console = System.console();
            if (console == null) {
                return say(out, Msg.FTB0606E.format(toWrite.size(), target.knownHosts()), Diagnostics.RC_ERROR);
            }
            String answer = console.readLine("%s", String.format(Locale.ROOT, "Write %d key(s) to %s? [y/N] ", toWrite.size(),
                    target.knownHosts()));
            if (answer == null || !List.of("y", "yes").contains(answer.strip().toLowerCase(Locale.ROOT))) {
                return say(out, Msg.FTB0607W.format(target.knownHosts()), Diagnostics.RC_WARNING);
            }
        }
        List<String> lines = toWrite.stream().map(v -> file.line(host, v.key())).toList();
        int removed = 0;
        try {
            if (changed.isEmpty()) {
                file.append(lines);
            } else {
                removed = file.replace(host, changed.stream().map(v -> v.key().type()).toList(), lines);
            }
        } catch (KnownHosts.PatternConflict e) {
            return say(out, Msg.FTB0616E.format(target.knownHosts(), e.getMessage()), Diagnostics.RC_ERROR);
        } catch (IOException e) {
            return say(out, Msg.FTB0615E.format(target.knownHosts(), reason(e)), Diagnostics.RC_ERROR);
        }
        if (!file.exists() || !changed.isEmpty()) {
            // A new file, or one moved into place, carries no code page tag: z/OS programs that honour tags need one.
            try {
                platform.tagTextFile(target.knownHosts(), file.charset());
            } catch (IOException e) {
                out.println(Msg.FTB0618W.format(target.knownHosts(), file.charset().name(), reason(e)));
            }
        }
        return say(out, Msg.FTB0602I.format(lines.size(), host, target.knownHosts(), (file.hashed() ? ", hashed" : "")
                + (removed > 0 ? "; " + removed + " old line(s) replaced" : "")), Diagnostics.RC_OK);
    }

    private static List<KnownHosts.Verdict> having(List<KnownHosts.Verdict> verdicts, KnownHosts.Status status) {
        return verdicts.stream().filter(v -> v.status() == status).toList();
    }

    private static int say(PrintWriter out, String message, int returnCode) {
        out.println(message);
        return returnCode;
    }

    private static String reason(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /**
     * A server argument: {@code HOST}, {@code HOST:PORT}, an IPv4 literal with or without a port, an
     * IPv6 literal alone or in brackets, {@code [IPv6]:PORT}. The host is canonical (names in lower
     * case, as OpenSSH matches and hashes them). Empty when it is none of these.
     */
    static Optional<Server> server(String text) {
        if (IpAddress.isLiteral(text)) {
            return Optional.of(new Server(HostPort.canonicalHost(text), OptionalInt.empty()));
        }
        if (text.startsWith("[") && text.endsWith("]")) {
            String inner = text.substring(1, text.length() - 1);
            return inner.indexOf(':') >= 0 && IpAddress.isLiteral(inner)
                    ? Optional.of(new Server(HostPort.canonicalHost(inner), OptionalInt.empty())) : Optional.empty();
        }
        if (text.indexOf(':') >= 0) {
            return HostPort.parse(text).filter(p -> IpAddress.isLiteral(p.host()) || HostPort.isHostName(p.host()))
                    .map(p -> new Server(p.host(), OptionalInt.of(p.port())));
        }
        return HostPort.isHostName(text) ? Optional.of(new Server(HostPort.canonicalHost(text), OptionalInt.empty())) : Optional.empty();
    }
}
