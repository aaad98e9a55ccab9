package org.ftb.config;

import org.ftb.address.HostPort;
import org.ftb.rules.DestinationPattern;
import org.ftb.rules.PortRange;
import org.ftb.rules.Rule;
import org.ftb.socks.SocksVersion;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Writes the effective configuration, defaults included, as statements that parse back to the same
 * configuration.
 */
public final class ConfigPrinter {
    private ConfigPrinter() {
    }

    public static List<String> print(BrokerConfig config) {
        List<String> out = new ArrayList<>();
        BrokerSettings b = config.broker();
        out.add("BROKER MAXSESSIONS(" + b.maxSessions() + ") IDLETIMEOUT(" + seconds(b.idleTimeout())
                + ") HANDSHAKETIMEOUT(" + seconds(b.handshakeTimeout()) + ") CONNECTTIMEOUT(" + seconds(b.connectTimeout())
                + ") STOPTIMEOUT(" + seconds(b.stopTimeout()) + ") MAXPRELOGIN(" + b.maxPreLogin() + ") LOGINTIMEOUT("
                + seconds(b.loginTimeout()) + ")" + control(config.control().broker()));
        SocksSettings s = config.socks();
        out.add("SOCKS LISTEN(" + join(s.listen(), HostPort::toString) + ") VERSIONS("
                + join(s.versions().stream().sorted().toList(), v -> Integer.toString(v.code())) + ") AUTH(" + s.auth() + ")"
                + s.usersFile().map(f -> " USERS(" + quote(f) + ")").orElse(""));
        for (SshHostSettings h : config.sshHosts()) {
            out.add("SSHHOST NAME(" + h.name() + ") HOST(" + h.host().orElse("*") + ") PORT(" + h.port() + ") KNOWNHOSTS("
                    + quote(h.knownHosts()) + ") HOSTKEYS(" + h.hostKeys() + ") CIPHERS(" + String.join(" ", h.ciphers())
                    + ") KEEPALIVE(" + seconds(h.keepalive()) + ")" + h.user().map(u -> " USER('" + u.replace("'", "''") + "')").orElse("")
                    + h.key().map(k -> " KEY(" + quote(k) + ")").orElse("")
                    + h.passphrase().map(p -> " PASSPHRASE(" + quote(p) + ")").orElse("")
                    + " MAXCHANNELS(" + h.maxChannels() + ")");
        }
        for (Rule rule : config.rules()) {
            out.add("RULE NAME(" + rule.name() + ") DEST(" + join(rule.destinations(), DestinationPattern::text)
                    + ") PORTS(" + join(rule.ports(), PortRange::text) + ") ACTION(" + rule.action() + ")"
                    + rule.via().map(v -> " VIA(" + v + ")").orElse("")
                    + rule.auth().map(a -> " AUTH(" + a + ")").orElse("")
                    + rule.fallback().map(f -> " FALLBACK(" + f + ")").orElse(""));
        }
        out.add("DATA LISTEN(" + config.data().listen() + ") PORTS(" + config.data().ports().text() + ") HOLDTIMEOUT("
                + seconds(config.data().holdTimeout()) + ")");
        config.gateway().ifPresent(g -> out.add("GATEWAY LISTEN(" + g.listen() + ") HOSTKEY(" + quote(g.hostKey()) + ")"
                + g.usersFile().map(f -> " USERS(" + quote(f) + ")").orElse("")
                + g.authorizedKeys().map(f -> " AUTHORIZEDKEYS(" + quote(f) + ")").orElse("")
                + " MAXAUTHTRIES(" + g.maxAuthTries() + ")"
                + " PERMIT(" + join(g.permits(), GatewaySettings.Permit::text) + ")" + control(config.control().gateway())));
        LogSettings l = config.log();
        out.add("LOG LEVEL(" + l.level() + ")" + l.file().map(f -> " FILE(" + quote(f) + ") MAXSIZE(" + ByteSizes.text(l.rolling().maxFileBytes())
                        + ") KEEP(" + l.rolling().keepDays() + ") TOTALSIZE(" + ByteSizes.text(l.rolling().totalBytes()) + ")").orElse("")
                + " CHARSET(" + l.charset().name() + ") AUDIT(" + (l.audit() ? "YES" : "NO") + ")");
        return out;
    }

    /** CONTROL when given: its default depends on the user and the system, which a configuration does not say. */
    private static String control(java.util.Optional<Path> path) {
        return path.map(p -> " CONTROL(" + quote(p) + ")").orElse("");
    }

    private static long seconds(Duration duration) {
        return duration.toSeconds();
    }

    private static String quote(Path path) {
        return "'" + path.toString().replace("'", "''") + "'";
    }

    private static <T> String join(Collection<T> items, Function<T, String> text) {
        return items.stream().map(text).collect(Collectors.joining(" "));
    }

}
