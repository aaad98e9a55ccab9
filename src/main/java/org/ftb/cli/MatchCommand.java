package org.ftb.cli;

import org.ftb.address.HostPort;
import org.ftb.address.IpAddress;
import org.ftb.config.BrokerConfig;
import org.ftb.config.ConfigLoader;
import org.ftb.config.Diagnostics;
import org.ftb.message.Msg;
import org.ftb.rules.Destination;
import org.ftb.rules.Match;
import org.ftb.net.Resolver;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.net.UnknownHostException;
import java.util.concurrent.Callable;

/** {@code ftb match}: which rule a destination meets, and why, exactly as the broker decides it. */
@Command(name = "match", mixinStandardHelpOptions = true,
        description = "Show which rule matches HOST:PORT and why. A host name is resolved as the broker would resolve it.")
final class MatchCommand implements Callable<Integer> {
    @CommandLine.Mixin
    ConfigOptions options;

    @Parameters(paramLabel = "HOST:PORT", description = "The destination, such as ftp.example.com:21 or [2001:db8::1]:21.")
    String destination;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        ConfigLoader.Result result = options.load(spec.commandLine());
        ConfigOptions.report(result, d -> out.println(d.text()));
        if (result.config().isEmpty()) {
            out.flush();
            return result.returnCode();
        }
        HostPort target = HostPort.parse(destination).orElse(null);
        if (target == null) {
            out.println(Msg.FTB0402E.format(destination));
            out.flush();
            return Diagnostics.RC_ERROR;
        }
        BrokerConfig config = result.config().get();
        Destination dest;
        if (IpAddress.isLiteral(target.host())) {
            dest = Destination.ofAddress(IpAddress.parse(target.host()).orElseThrow(), target.port());
        } else {
            byte[] address = null;
            try {
                address = Resolver.system().resolve(target.host()).getAddress();
                out.println(Msg.FTB0401I.format(target.host() + " resolves to " + IpAddress.format(address)));
            } catch (UnknownHostException e) {
                out.println(Msg.FTB0401I.format(target.host() + " does not resolve here; address blocks cannot match it"));
            }
            dest = Destination.ofName(target.host(), address, target.port());
        }
        Match match = config.ruleSet().match(dest);
        out.println(Msg.FTB0401I.format(dest + ": " + match.reason()));
        out.println(Msg.FTB0401I.format("ACTION " + match.action() + " RULE " + match.ruleName()));
        out.flush();
        return result.returnCode();
    }
}
