package org.ftb.config;

import org.ftb.address.HostPort;
import org.ftb.address.IpAddress;
import org.ftb.auth.UserDirectory;
import org.ftb.message.Msg;
import org.ftb.platform.PrivateFiles;
import org.ftb.platform.TextFiles;
import org.ftb.rules.Action;
import org.ftb.rules.DestinationPattern;
import org.ftb.rules.Fallback;
import org.ftb.rules.PortRange;
import org.ftb.rules.Rule;
import org.ftb.rules.TunnelAuth;
import org.ftb.socks.SocksVersion;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Turns parsed statements into a {@link BrokerConfig}, reporting every problem it finds. */
public final class ConfigBinder {
    /** Every statement and its operands, in the order the documentation lists them. */
    public static final Map<String, List<String>> SCHEMA;

    static {
        Map<String, List<String>> schema = new LinkedHashMap<>();
        schema.put("BROKER", List.of("MAXSESSIONS", "IDLETIMEOUT", "HANDSHAKETIMEOUT", "CONNECTTIMEOUT", "STOPTIMEOUT", "MAXPRELOGIN",
                "LOGINTIMEOUT", "CONTROL"));
        schema.put("SOCKS", List.of("LISTEN", "VERSIONS", "AUTH", "USERS"));
        schema.put("RULE", List.of("NAME", "DEST", "PORTS", "ACTION", "VIA", "AUTH", "FALLBACK"));
        schema.put("SSHHOST", List.of("NAME", "HOST", "PORT", "KNOWNHOSTS", "HOSTKEYS", "CIPHERS", "KEEPALIVE", "USER", "KEY",
                "PASSPHRASE", "MAXCHANNELS"));
        schema.put("DATA", List.of("LISTEN", "PORTS", "HOLDTIMEOUT"));
        schema.put("GATEWAY", List.of("LISTEN", "HOSTKEY", "USERS", "AUTHORIZEDKEYS", "MAXAUTHTRIES", "PERMIT", "CONTROL"));
        schema.put("LOG", List.of("LEVEL", "FILE", "CHARSET", "AUDIT", "MAXSIZE", "KEEP", "TOTALSIZE"));
        SCHEMA = java.util.Collections.unmodifiableMap(schema);
    }

    private static final int MAX_TIMEOUT_SECONDS = 86_400;
    /** LOG MAXSIZE and TOTALSIZE, in bytes: from 1K (tiny, but useful to try rolling) to 4G and 1024G. */
    private static final long MIN_LOG_SIZE = 1L << 10;
    private static final long MAX_LOG_FILE_SIZE = 4L << 30;
    private static final long MAX_LOG_TOTAL_SIZE = 1024L << 30;
    private static final int MAX_LOG_KEEP_DAYS = 3650;
    private static final List<String> ROLLING_OPERANDS = List.of("MAXSIZE", "KEEP", "TOTALSIZE");

    private final Diagnostics diagnostics;
    private final Charset platformCharset;
    /** How the files the configuration names are decoded: by the platform code page. */
    private final TextFiles textFiles;
    private final Path baseDirectory;
    private final Map<String, Statement> singletons = new HashMap<>();

    private ConfigBinder(Diagnostics diagnostics, Charset platformCharset, Path baseDirectory) {
        this.diagnostics = diagnostics;
        this.platformCharset = platformCharset;
        this.textFiles = new TextFiles(platformCharset);
        this.baseDirectory = baseDirectory;
    }

    /**
     * @param location      where the configuration was read from (see {@link ControlSettings#location})
     * @param baseDirectory where relative file names in the configuration are resolved
     * @return the configuration; it is only meaningful when {@code diagnostics} has no errors
     */
    public static BrokerConfig bind(String sourceName, String location, List<Statement> statements, Diagnostics diagnostics,
                                    Charset platformCharset, Path baseDirectory) {
        return new ConfigBinder(diagnostics, platformCharset, baseDirectory).bind(sourceName, location, statements);
    }

    private BrokerConfig bind(String sourceName, String location, List<Statement> statements) {
        BrokerSettings broker = BrokerSettings.DEFAULTS;
        SocksSettings socks = SocksSettings.DEFAULTS;
        LogSettings log = LogSettings.defaults(platformCharset);
        DataSettings data = DataSettings.DEFAULTS;
        Optional<GatewaySettings> gateway = Optional.empty();
        Optional<Path> brokerControl = Optional.empty();
        Optional<Path> gatewayControl = Optional.empty();
        List<Rule> rules = new ArrayList<>();
        Map<String, Statement> ruleStatements = new HashMap<>();
        Map<String, SshHostSettings> sshHosts = new LinkedHashMap<>();
        Map<String, Statement> sshHostStatements = new HashMap<>();
        for (Statement statement : statements) {
            List<String> allowed = SCHEMA.get(statement.keyword());
            if (allowed == null) {
                diagnostics.at(Msg.FTB0110E, statement.line(), statement.column(), statement.keyword(),
                        String.join(", ", SCHEMA.keySet()));
                continue;
            }
            Operands operands = new Operands(statement, allowed, diagnostics);
            switch (statement.keyword()) {
                case "BROKER" -> {
                    if (firstOfItsKind(statement)) {
                        broker = broker(operands);
                        brokerControl = control(operands);
                    }
                }
                case "SOCKS" -> {
                    if (firstOfItsKind(statement)) {
                        socks = socks(operands);
                    }
                }
                case "DATA" -> {
                    if (firstOfItsKind(statement)) {
                        data = data(operands);
                    }
                }
                case "GATEWAY" -> {
                    if (firstOfItsKind(statement)) {
                        gateway = Optional.of(gateway(operands));
                        gatewayControl = control(operands);
                    }
                }
                case "LOG" -> {
                    if (firstOfItsKind(statement)) {
                        log = log(operands, log);
                    }
                }
                case "RULE" -> rule(operands, ruleStatements).ifPresent(rules::add);
                case "SSHHOST" -> sshHost(operands, sshHostStatements).ifPresent(h -> sshHosts.put(h.name(), h));
                default -> throw new IllegalStateException("SCHEMA lists " + statement.keyword() + " without a binding");
            }
        }
        checkReachable(rules, ruleStatements);
        checkTunnelRules(rules, sshHosts, ruleStatements);
        boolean gatewayOnly = gateway.isPresent() && statements.stream().noneMatch(s -> s.keyword().equals("SOCKS"));
        if (!gatewayOnly && statements.stream().noneMatch(s -> s.keyword().equals("RULE"))) {
            diagnostics.general(Msg.FTB0132W);
        }
        return new BrokerConfig(sourceName, broker, socks, rules, List.copyOf(sshHosts.values()), data, gateway, log,
                new ControlSettings(location, brokerControl, gatewayControl));
    }

    /**
     * CONTROL('path'): where {@code ftb ctl} reaches this service. It must be absolute once resolved,
     * since {@code ftb ctl} may run in another directory, and a member of a data set has none.
     */
    private Optional<Path> control(Operands op) {
        return op.single("CONTROL").flatMap(v -> {
            Path path = resolve(v.text());
            if (!path.isAbsolute()) {
                diagnostics.at(Msg.FTB0123E, v.line(), v.column(), "CONTROL(" + v.text() + ") must be an absolute path: a configuration"
                        + " in a data set has no directory to resolve it against, and ftb ctl runs in a directory of its own");
                return Optional.empty();
            }
            if (Files.isDirectory(path)) {
                diagnostics.at(Msg.FTB0123E, v.line(), v.column(), "CONTROL(" + path + ") is a directory; name the endpoint's file"
                        + " in a directory only this service's user may use, such as "
                        + path.resolve(op.statement().keyword().toLowerCase(Locale.ROOT)));
                return Optional.empty();
            }
            return Optional.of(path);
        });
    }

    private boolean firstOfItsKind(Statement statement) {
        Statement first = singletons.putIfAbsent(statement.keyword(), statement);
        if (first != null) {
            diagnostics.at(Msg.FTB0113E, statement.line(), statement.column(), statement.keyword(), first.line());
            return false;
        }
        return true;
    }

    private BrokerSettings broker(Operands op) {
        BrokerSettings d = BrokerSettings.DEFAULTS;
        int maxSessions = op.integer("MAXSESSIONS", 1, 1_000_000).orElse(d.maxSessions());
        int maxPreLogin = op.integer("MAXPRELOGIN", 1, 1_000_000).orElse(BrokerSettings.defaultMaxPreLogin(maxSessions));
        if (maxPreLogin > maxSessions) {
            Statement.Operand where = op.get("MAXPRELOGIN").orElseThrow();
            diagnostics.at(Msg.FTB0123E, where.line(), where.column(),
                    "MAXPRELOGIN(" + maxPreLogin + ") is more than MAXSESSIONS(" + maxSessions + "); it must be at most MAXSESSIONS");
        }
        return new BrokerSettings(maxSessions,
                op.seconds("IDLETIMEOUT", 0, MAX_TIMEOUT_SECONDS).orElse(d.idleTimeout()),
                op.seconds("HANDSHAKETIMEOUT", 1, 3600).orElse(d.handshakeTimeout()),
                op.seconds("CONNECTTIMEOUT", 1, 3600).orElse(d.connectTimeout()),
                op.seconds("STOPTIMEOUT", 0, 3600).orElse(d.stopTimeout()),
                maxPreLogin,
                op.seconds("LOGINTIMEOUT", 1, 3600).orElse(d.loginTimeout()));
    }

    private SocksSettings socks(Operands op) {
        SocksSettings d = SocksSettings.DEFAULTS;
        List<HostPort> listen = op.list("LISTEN").map(this::listenAddresses).orElse(d.listen());
        Set<SocksVersion> versions = op.list("VERSIONS").map(values -> versions(op, values)).orElse(d.versions());
        SocksAuth auth = op.choice("AUTH", SocksAuth.class).orElse(d.auth());
        Optional<Path> usersFile = op.single("USERS").map(v -> resolve(v.text()));
        Optional<UserDirectory> users = Optional.empty();
        Statement st = op.statement();
        if (auth == SocksAuth.USERPASS) {
            if (usersFile.isEmpty() && !op.has("USERS")) {
                diagnostics.at(Msg.FTB0123E, st.line(), st.column(), "AUTH(USERPASS) needs USERS('file') with the users and their password hashes");
            }
            if (!versions.contains(SocksVersion.V5) || versions.contains(SocksVersion.V4)) {
                Statement.Operand where = op.get("VERSIONS").orElse(op.get("AUTH").orElseThrow());
                diagnostics.at(Msg.FTB0123E, where.line(), where.column(),
                        "AUTH(USERPASS) needs VERSIONS(5): SOCKS 4 carries no password");
            }
            users = usersFile.flatMap(file -> loadUsers(file, op.get("USERS").orElseThrow()));
        } else if (op.has("USERS")) {
            Statement.Operand where = op.get("USERS").orElseThrow();
            diagnostics.at(Msg.FTB0122E, where.line(), where.column(), "USERS is used only with AUTH(USERPASS)");
        }
        if (auth == SocksAuth.NONE) {
            for (HostPort address : listen) {
                if (!isLoopback(address.host())) {
                    Statement.Operand where = op.get("LISTEN").orElseThrow();
                    diagnostics.at(Msg.FTB0130W, where.line(), where.column(), address);
                }
            }
        }
        return new SocksSettings(listen, versions, auth, usersFile, users);
    }

    private List<HostPort> listenAddresses(List<Statement.Value> values) {
        List<HostPort> out = new ArrayList<>();
        for (Statement.Value value : values) {
            Optional<HostPort> address = HostPort.parse(value.text()).filter(hp -> IpAddress.isLiteral(hp.host()));
            if (address.isEmpty()) {
                diagnostics.at(Msg.FTB0118E, value.line(), value.column(), value.text());
            } else if (out.contains(address.get())) {
                diagnostics.at(Msg.FTB0115E, value.line(), value.column(), "LISTEN names " + address.get() + " twice");
            } else {
                out.add(address.get());
            }
        }
        return out.isEmpty() ? SocksSettings.DEFAULTS.listen() : out;
    }

    private Set<SocksVersion> versions(Operands op, List<Statement.Value> values) {
        Set<SocksVersion> out = EnumSet.noneOf(SocksVersion.class);
        for (Statement.Value value : values) {
            SocksVersion version = value.text().length() == 1 ? SocksVersion.fromCode(value.text().charAt(0) - '0') : null;
            if (version == null) {
                diagnostics.at(Msg.FTB0117E, value.line(), value.column(), "VERSIONS", value.text(), "4, 5");
            } else {
                out.add(version);
            }
        }
        return out.isEmpty() ? SocksSettings.DEFAULTS.versions() : out;
    }

    private static boolean isLoopback(String host) {
        byte[] address = IpAddress.parse(host).orElseThrow();
        if (address.length == 4) {
            return address[0] == 127;
        }
        for (int i = 0; i < 15; i++) {
            if (address[i] != 0) {
                return false;
            }
        }
        return address[15] == 1;
    }

    private Optional<UserDirectory> loadUsers(Path file, Statement.Operand where) {
        try {
            return Optional.of(UserDirectory.read(file, textFiles));
        } catch (IOException e) {
            diagnostics.at(Msg.FTB0124E, where.line(), where.column(), file, describe(e));
        } catch (UserDirectory.FormatException e) {
            diagnostics.at(Msg.FTB0125E, where.line(), where.column(), file, e.line(), e.getMessage());
        }
        return Optional.empty();
    }

    static String describe(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private Path resolve(String file) {
        return baseDirectory.resolve(file).normalize();
    }

    private GatewaySettings gateway(Operands op) {
        Statement st = op.statement();
        HostPort listen = op.list("LISTEN").map(this::listenAddresses).map(l -> l.get(0)).orElse(GatewaySettings.DEFAULT_LISTEN);
        if (op.get("LISTEN").map(o -> o.values().size() > 1).orElse(false)) {
            Statement.Operand o = op.get("LISTEN").orElseThrow();
            diagnostics.at(Msg.FTB0115E, o.line(), o.column(), "GATEWAY LISTEN takes one address");
        }
        op.require("HOSTKEY", "'file'");
        op.require("PERMIT", "host:ports ...");
        Path hostKey = op.single("HOSTKEY").map(v -> resolve(v.text())).orElse(Path.of("ftb-gateway-hostkey"));
        if (op.has("HOSTKEY")) {
            checkPrivate(op, "HOSTKEY", Optional.of(hostKey));
        }
        Optional<Path> usersFile = op.single("USERS").map(v -> resolve(v.text()));
        Optional<org.ftb.auth.UserDirectory> users = usersFile.flatMap(f -> loadUsers(f, op.get("USERS").orElseThrow()));
        Optional<Path> authorizedKeys = op.single("AUTHORIZEDKEYS").map(v -> resolve(v.text()));
        authorizedKeys.ifPresent(directory -> {
            Statement.Operand where = op.get("AUTHORIZEDKEYS").orElseThrow();
            if (Files.exists(directory) && !Files.isDirectory(directory)) {
                diagnostics.at(Msg.FTB0123E, where.line(), where.column(), "AUTHORIZEDKEYS(" + directory + ") must be a directory with one"
                        + " authorized_keys file per user, named as the user: a key logs in only the user whose file holds it");
            } else {
                FileAccess.unreadableDirectory(directory).ifPresent(why -> diagnostics.at(Msg.FTB0142W, where.line(), where.column(),
                        "AUTHORIZEDKEYS", directory, why, "the gateway will refuse every public-key login"));
            }
        });
        if (usersFile.isEmpty() && authorizedKeys.isEmpty()) {
            diagnostics.at(Msg.FTB0114E, st.line(), st.column(), "GATEWAY", "USERS('file') or AUTHORIZEDKEYS('directory') to log anyone in");
        }
        int maxAuthTries = op.integer("MAXAUTHTRIES", 1, 100).orElse(GatewaySettings.DEFAULT_MAX_AUTH_TRIES);
        List<GatewaySettings.Permit> permits = new ArrayList<>();
        op.list("PERMIT").ifPresent(values -> {
            for (Statement.Value value : values) {
                permit(value.text()).ifPresentOrElse(permits::add,
                        () -> diagnostics.at(Msg.FTB0139E, value.line(), value.column(), value.text()));
            }
        });
        if (!isLoopback(listen.host()) && usersFile.isEmpty() && authorizedKeys.isEmpty()) {
            diagnostics.at(Msg.FTB0130W, st.line(), st.column(), listen);
        }
        return new GatewaySettings(listen, hostKey, usersFile, users, authorizedKeys, maxAuthTries, permits, textFiles);
    }

    /** {@code host:ports}, {@code [v6]:ports} or {@code cidr:ports}, the host part as in DEST, the ports as in PORTS. */
    private static Optional<GatewaySettings.Permit> permit(String text) {
        String host;
        String ports;
        if (text.startsWith("[")) {
            int close = text.indexOf("]:");
            if (close < 0) {
                return Optional.empty();
            }
            host = text.substring(1, close);
            ports = text.substring(close + 2);
        } else {
            int colon = text.lastIndexOf(':');
            if (colon <= 0 || text.indexOf(':') != colon) {
                return Optional.empty();
            }
            host = text.substring(0, colon);
            ports = text.substring(colon + 1);
        }
        Optional<DestinationPattern> destination = DestinationPattern.parse(host);
        Optional<PortRange> range = PortRange.parse(ports);
        return destination.isPresent() && range.isPresent()
                ? Optional.of(new GatewaySettings.Permit(destination.get(), range.get())) : Optional.empty();
    }

    private DataSettings data(Operands op) {
        String listen = op.single("LISTEN").flatMap(v -> {
            Optional<byte[]> address = IpAddress.parse(v.text()).filter(a -> a.length == 4);
            if (address.isEmpty()) {
                diagnostics.at(Msg.FTB0138E, v.line(), v.column(), v.text());
            }
            return address.map(IpAddress::format);
        }).orElse(DataSettings.DEFAULTS.listen());
        PortRange ports = op.single("PORTS").flatMap(v -> {
            Optional<PortRange> range = PortRange.parse(v.text());
            if (range.isEmpty()) {
                diagnostics.at(Msg.FTB0120E, v.line(), v.column(), v.text());
            }
            return range;
        }).orElse(DataSettings.DEFAULTS.ports());
        return new DataSettings(listen, ports, op.seconds("HOLDTIMEOUT", 0, MAX_TIMEOUT_SECONDS).orElse(DataSettings.DEFAULT_HOLD));
    }

    private LogSettings log(Operands op, LogSettings d) {
        LogLevel level = op.choice("LEVEL", LogLevel.class).orElse(d.level());
        Optional<Path> file = op.single("FILE").map(v -> resolve(v.text()));
        file.flatMap(ConfigBinder::unrollable).ifPresent(why -> {
            Statement.Operand where = op.get("FILE").orElseThrow();
            diagnostics.at(Msg.FTB0140E, where.line(), where.column(), file.get(), why);
        });
        Charset charset = op.single("CHARSET").flatMap(this::charset).orElse(d.charset());
        boolean audit = op.choice("AUDIT", YesNo.class).map(v -> v == YesNo.YES).orElse(d.audit());
        return new LogSettings(level, file.isPresent() ? file : d.file(), charset, audit, rolling(op, d.rolling(), file.isPresent()));
    }

    /** Why the log file cannot be written and rolled: the rolled files are made and renamed beside it. */
    private static Optional<String> unrollable(Path file) {
        if (file.toString().contains("%")) {
            return Optional.of("a path with '%' cannot be rolled, since the rolled files' names are made from it");
        }
        Path directory = file.toAbsolutePath().getParent();
        return FileAccess.unwritable(file).or(() -> Files.exists(file) && directory != null && !Files.isWritable(directory)
                ? Optional.of("the log rolls into new files beside it, but its directory " + directory + " is not writable")
                : Optional.empty());
    }

    private LogSettings.Rolling rolling(Operands op, LogSettings.Rolling d, boolean hasFile) {
        if (!hasFile) {
            for (String operand : ROLLING_OPERANDS) {
                op.get(operand).ifPresent(o -> diagnostics.at(Msg.FTB0122E, o.line(), o.column(),
                        operand + " is used only with FILE('path'): only a log file rolls"));
            }
        }
        long maxFile = op.size("MAXSIZE", MIN_LOG_SIZE, MAX_LOG_FILE_SIZE).orElse(d.maxFileBytes());
        int keepDays = op.integer("KEEP", 1, MAX_LOG_KEEP_DAYS).orElse(d.keepDays());
        long total = op.size("TOTALSIZE", MIN_LOG_SIZE, MAX_LOG_TOTAL_SIZE).orElse(d.totalBytes());
        // A file rolls only once it has passed MAXSIZE, so a rolled file is a little larger than MAXSIZE:
        // with less than twice MAXSIZE the cap would delete every rolled file as soon as it was made.
        if (total < 2 * maxFile) {
            Statement.Operand where = op.get("TOTALSIZE").or(() -> op.get("MAXSIZE")).orElseThrow();
            diagnostics.at(Msg.FTB0123E, where.line(), where.column(), "TOTALSIZE(" + ByteSizes.text(total) + ") is less than twice MAXSIZE("
                    + ByteSizes.text(maxFile) + "): a rolled file is larger than MAXSIZE and would be deleted at once; give TOTALSIZE "
                    + "at least twice MAXSIZE");
        }
        return new LogSettings.Rolling(maxFile, keepDays, total);
    }

    private Optional<Charset> charset(Statement.Value value) {
        try {
            return Optional.of(Charset.forName(value.text()));
        } catch (IllegalCharsetNameException | java.nio.charset.UnsupportedCharsetException e) {
            diagnostics.at(Msg.FTB0126E, value.line(), value.column(), value.text());
            return Optional.empty();
        }
    }

    private Optional<Rule> rule(Operands op, Map<String, Statement> ruleStatements) {
        Statement st = op.statement();
        int errorsBefore = errorCount();
        op.require("NAME", "id");
        op.require("ACTION", "DIRECT|DENY|TUNNEL|FTPTUNNEL");
        Optional<String> name = uniqueName(op, ruleStatements, Msg.FTB0121E);
        List<DestinationPattern> destinations = op.list("DEST").map(this::destinations)
                .orElse(List.of(new DestinationPattern.Any()));
        List<PortRange> ports = op.list("PORTS").map(this::ports).orElse(List.of(PortRange.ALL));
        Optional<Action> action = op.choice("ACTION", Action.class);
        Optional<String> via = op.single("VIA").flatMap(this::ruleName);
        Optional<TunnelAuth> auth = op.choice("AUTH", TunnelAuth.class);
        Optional<Fallback> fallback = op.choice("FALLBACK", Fallback.class);
        action.ifPresent(a -> checkTunnelOperands(op, a, auth, fallback));
        if (errorCount() > errorsBefore || name.isEmpty() || action.isEmpty()) {
            return Optional.empty();
        }
        if (!action.get().usesSsh()) {
            return Optional.of(Rule.of(name.get(), st.line(), destinations, ports, action.get()));
        }
        TunnelAuth defaultAuth = action.get() == Action.TUNNEL ? TunnelAuth.KEY : TunnelAuth.FTPLOGIN;
        return Optional.of(new Rule(name.get(), st.line(), destinations, ports, action.get(), via,
                Optional.of(auth.orElse(defaultAuth)), Optional.of(fallback.orElse(Fallback.NO))));
    }

    private void checkTunnelOperands(Operands op, Action action, Optional<TunnelAuth> auth, Optional<Fallback> fallback) {
        if (!action.usesSsh()) {
            for (String tunnelOnly : List.of("VIA", "AUTH", "FALLBACK")) {
                op.get(tunnelOnly).ifPresent(o -> diagnostics.at(Msg.FTB0122E, o.line(), o.column(),
                        tunnelOnly + " is used only with ACTION(TUNNEL) or ACTION(FTPTUNNEL)"));
            }
            return;
        }
        op.require("VIA", "sshhost");
        if (action == Action.TUNNEL && auth.orElse(TunnelAuth.KEY) != TunnelAuth.KEY) {
            Statement.Operand o = op.get("AUTH").orElseThrow();
            diagnostics.at(Msg.FTB0122E, o.line(), o.column(), "ACTION(TUNNEL) logs in with AUTH(KEY) only: it does not read FTP logins");
        }
        if (action == Action.TUNNEL && fallback.orElse(Fallback.NO) != Fallback.NO) {
            Statement.Operand o = op.get("FALLBACK").orElseThrow();
            diagnostics.at(Msg.FTB0122E, o.line(), o.column(), "FALLBACK(PLAIN) is only for ACTION(FTPTUNNEL)");
        }
    }

    private int errorCount() {
        return (int) diagnostics.count(org.ftb.message.Severity.E);
    }

    private Optional<String> ruleName(Statement.Value value) {
        String text = value.text();
        if (!text.isEmpty() && text.length() <= 32 && text.chars().allMatch(c -> Character.isLetterOrDigit(c) && c < 128
                || c == '-' || c == '_' || c == '.')) {
            return Optional.of(text.toUpperCase(Locale.ROOT));
        }
        diagnostics.at(Msg.FTB0127E, value.line(), value.column(), text);
        return Optional.empty();
    }

    private List<DestinationPattern> destinations(List<Statement.Value> values) {
        List<DestinationPattern> out = new ArrayList<>();
        for (Statement.Value value : values) {
            DestinationPattern.parse(value.text()).ifPresentOrElse(out::add,
                    () -> diagnostics.at(Msg.FTB0119E, value.line(), value.column(), value.text()));
        }
        return out;
    }

    private List<PortRange> ports(List<Statement.Value> values) {
        List<PortRange> out = new ArrayList<>();
        for (Statement.Value value : values) {
            PortRange.parse(value.text()).ifPresentOrElse(out::add,
                    () -> diagnostics.at(Msg.FTB0120E, value.line(), value.column(), value.text()));
        }
        return out;
    }

    private Optional<SshHostSettings> sshHost(Operands op, Map<String, Statement> statements) {
        int errorsBefore = errorCount();
        op.require("NAME", "id");
        op.require("HOST", "name|*");
        Optional<String> name = uniqueName(op, statements, Msg.FTB0135E);
        Optional<String> host = op.single("HOST").flatMap(this::sshHostName);
        int port = op.integer("PORT", 1, 65535).orElse(SshHostSettings.DEFAULT_PORT);
        Path knownHosts = op.single("KNOWNHOSTS").map(v -> resolve(v.text()))
                .orElse(Path.of(System.getProperty("user.home"), ".ssh", "known_hosts"));
        SshHostSettings.HostKeyPolicy hostKeys = op.choice("HOSTKEYS", SshHostSettings.HostKeyPolicy.class)
                .orElse(SshHostSettings.HostKeyPolicy.STRICT);
        List<String> ciphers = op.list("CIPHERS").map(this::ciphers).orElse(SshHostSettings.DEFAULT_CIPHERS);
        java.time.Duration keepalive = op.seconds("KEEPALIVE", 0, 3600).orElse(SshHostSettings.DEFAULT_KEEPALIVE);
        Optional<String> user = op.single("USER").map(Statement.Value::text);
        Optional<Path> key = op.single("KEY").map(v -> resolve(v.text()));
        Optional<Path> passphrase = op.single("PASSPHRASE").map(v -> resolve(v.text()));
        int maxChannels = op.integer("MAXCHANNELS", 1, 10_000).orElse(SshHostSettings.DEFAULT_MAX_CHANNELS);
        if (passphrase.isPresent() && key.isEmpty()) {
            Statement.Operand where = op.get("PASSPHRASE").orElseThrow();
            diagnostics.at(Msg.FTB0122E, where.line(), where.column(), "PASSPHRASE is used only with KEY('file')");
        }
        FileAccess.unreadable(knownHosts).ifPresent(why -> {
            // Without KNOWNHOSTS the default file is meant: the statement is at fault.
            int line = op.get("KNOWNHOSTS").map(Statement.Operand::line).orElse(op.statement().line());
            int column = op.get("KNOWNHOSTS").map(Statement.Operand::column).orElse(op.statement().column());
            diagnostics.at(Msg.FTB0141W, line, column, knownHosts, why, hostKeys == SshHostSettings.HostKeyPolicy.STRICT
                    ? "HOSTKEYS(STRICT) will refuse the host key of every SSH server of this SSHHOST"
                    : "HOSTKEYS(ACCEPTNEW) will create it and trust the first host key each SSH server of this SSHHOST offers");
        });
        checkReadable(op, "KEY", key, "tunnels that log in with this key will fail (FTB0224E)");
        checkReadable(op, "PASSPHRASE", passphrase, "tunnels that log in with this key will fail (FTB0224E)");
        checkPrivate(op, "KEY", key);
        checkPrivate(op, "PASSPHRASE", passphrase);
        if (errorCount() > errorsBefore || name.isEmpty() || !op.has("HOST")) {
            return Optional.empty();
        }
        return Optional.of(new SshHostSettings(name.get(), host, port, knownHosts, hostKeys, ciphers, keepalive, user, key,
                passphrase, maxChannels, textFiles));
    }

    /** A secret file its group or others may use is refused, at the operand, as OpenSSH refuses it. */
    private void checkPrivate(Operands op, String operand, Optional<Path> file) {
        file.flatMap(f -> PrivateFiles.unprotected(operand, f)).ifPresent(refusal -> {
            Statement.Operand where = op.get(operand).orElseThrow();
            diagnostics.at(Msg.FTB0143E, where.line(), where.column(), refusal);
        });
    }

    /** Warns, at the operand, when a file that is read only when a login needs it cannot be read now. */
    private void checkReadable(Operands op, String operand, Optional<Path> file, String consequence) {
        file.flatMap(FileAccess::unreadable).ifPresent(why -> {
            Statement.Operand where = op.get(operand).orElseThrow();
            diagnostics.at(Msg.FTB0142W, where.line(), where.column(), operand, file.get(), why, consequence);
        });
    }

    /**
     * NAME(...), reported with {@code duplicate} when an earlier statement of the kind has it; names are upper case.
     * A statement is remembered by its name, not its line, because several may share a line.
     */
    private Optional<String> uniqueName(Operands op, Map<String, Statement> firstStatements, Msg duplicate) {
        Optional<String> name = op.single("NAME").flatMap(this::ruleName);
        name.ifPresent(n -> {
            Statement first = firstStatements.putIfAbsent(n, op.statement());
            if (first != null) {
                Statement.Operand where = op.get("NAME").orElseThrow();
                diagnostics.at(duplicate, where.line(), where.column(), n, first.line());
            }
        });
        return name;
    }

    /** {@code *}, an IP literal, or a DNS name. */
    private Optional<String> sshHostName(Statement.Value value) {
        if (value.text().equals("*")) {
            return Optional.empty();
        }
        String text = value.text();
        if (IpAddress.isLiteral(text) || HostPort.isHostName(text)) {
            return Optional.of(HostPort.canonicalHost(text));
        }
        diagnostics.at(Msg.FTB0136E, value.line(), value.column(), text);
        return Optional.empty();
    }

    private List<String> ciphers(List<Statement.Value> values) {
        List<String> out = new ArrayList<>();
        for (Statement.Value value : values) {
            String cipher = value.text().toLowerCase(Locale.ROOT);
            if (SshHostSettings.SUPPORTED_CIPHERS.contains(cipher)) {
                out.add(cipher);
            } else {
                diagnostics.at(Msg.FTB0117E, value.line(), value.column(), "CIPHERS", value.text(),
                        String.join(", ", SshHostSettings.SUPPORTED_CIPHERS));
            }
        }
        return out.isEmpty() ? SshHostSettings.DEFAULT_CIPHERS : out;
    }

    /** Every tunnel rule names an SSHHOST that exists and has what the rule's AUTH needs. */
    private void checkTunnelRules(List<Rule> rules, Map<String, SshHostSettings> hosts, Map<String, Statement> ruleStatements) {
        for (Rule rule : rules) {
            if (rule.via().isEmpty()) {
                continue;
            }
            Statement st = ruleStatements.get(rule.name());
            Statement.Operand via = st.operands().stream().filter(o -> o.name().equals("VIA")).findFirst().orElseThrow();
            SshHostSettings host = hosts.get(rule.via().get());
            if (host == null) {
                diagnostics.at(Msg.FTB0137E, via.line(), via.column(), rule.via().get(), rule.name());
            } else if (rule.auth().orElseThrow() == TunnelAuth.KEY && (host.user().isEmpty() || host.key().isEmpty())) {
                diagnostics.at(Msg.FTB0123E, via.line(), via.column(), "AUTH(KEY) needs SSHHOST " + host.name()
                        + " to have USER(name) and KEY('file')");
            }
        }
    }

    private void checkReachable(List<Rule> rules, Map<String, Statement> ruleStatements) {
        for (int i = 0; i < rules.size(); i++) {
            if (!rules.get(i).matchesEverything()) {
                continue;
            }
            Rule catchAll = rules.get(i);
            for (Rule shadowed : rules.subList(i + 1, rules.size())) {
                Statement where = ruleStatements.get(shadowed.name());
                diagnostics.at(Msg.FTB0131W, where.line(), where.column(), shadowed.name(), catchAll.name(), catchAll.line());
            }
            return;
        }
    }
}
