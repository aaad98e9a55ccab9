package org.ftb.message;

import java.util.Locale;

/**
 * The catalogue of operator-facing messages. Every constant is documented in docs/messages.md (a test
 * checks this); the text is a {@link String#format} template.
 */
public enum Msg {
    FTB0001I("FTP Tunnel Broker %s starting on %s, Java %s, pid %s"),
    FTB0002I("SOCKS listener ready on %s"),
    FTB0003I("Broker ready: %d listener(s), %d rule(s), MAXSESSIONS(%d)"),
    FTB0004I("STOP from %s: accepting no new connections; waiting up to %d s for %d active session(s) and %d held upload(s)"),
    FTB0005I("Broker stopped; %d session(s) were ended by the stop"),
    FTB0006E("Cannot listen on %s: %s"),
    FTB0007E("Configuration %s has errors (RC %d); the broker did not start"),
    FTB0008W("STOP again from %s: ending %d session(s) now"),
    FTB0009W("Stop time limit reached: ending %d session(s) now; %d held upload(s) are closed"),
    FTB0010E("Internal error in %s, the broker carries on: %s"),
    FTB0011W("Library %s warns: %s"),
    FTB0012E("Library %s reports an error: %s"),
    FTB0013A("Listener %s cannot accept connections: %s; clients cannot connect through it until this clears"),
    FTB0014I("Listener %s accepts connections again"),
    FTB0015I("MVS console commands are taken: F %s,APPL=command and P %s; START parameters: %s"),
    FTB0016W("The MVS console cannot be written (%s); messages go to the job log only"),
    FTB0021I("Listener %s is closed by the stop: the condition of FTB0013A ends with it"),
    FTB0017W("STOP FORCE from %s: ending %d session(s) now"),
    FTB0018W("%s %s is not a character set this Java knows; %s is used instead"),
    FTB0019W("JZOS output transcoding is on, and file.encoding %s is not the console's code page %s: the launcher would convert the log lines once more and garble them; export JZOS_ENABLE_OUTPUT_TRANSCODING=false in STDENV"),
    FTB0020W("Log file %s is not tagged as %s text: %s; tag it with chtag -tc, or programs that honour file tags may misread it"),
    FTB0022W("JMX MBean %s is not registered (%s); the service runs on without it"),
    // Written by the launcher samples/ftb before a JVM runs; catalogued here, so that LauncherIT holds the script to these texts.
    FTB0023E("No Java to run: %s; ftb needs Java 17 or later: set JAVA_HOME to one, or put its bin on PATH"),
    FTB0024E("%s is Java %s; ftb needs Java 17 or later: set JAVA_HOME to one, or put its bin on PATH"),
    FTB0025E("The ftb jar is not at %s; set FTB_HOME to the folder that holds lib/ftb.jar"),

    FTB0101E("line %d column %d: comment is not closed; it starts here"),
    FTB0102E("line %d column %d: quoted value is not closed on its line"),
    FTB0103E("line %d column %d: unexpected character %s"),
    FTB0104E("line %d column %d: %s"),
    FTB0105E("line %d column %d: %s( has no closing parenthesis"),
    FTB0106E("line %d column %d: '(' is not allowed inside %s(...); lists are separated by commas or blanks"),
    FTB0107E("line %d column %d: unexpected %s"),
    FTB0108W("line %d column %d: symbol &%s. is not defined and is left as written"),
    FTB0110E("line %d column %d: unknown statement %s; the statements are %s"),
    FTB0111E("line %d column %d: %s is not an operand of %s; its operands are %s"),
    FTB0112E("line %d column %d: %s is given twice in this %s statement"),
    FTB0113E("line %d column %d: only one %s statement is allowed; the first is on line %d"),
    FTB0114E("line %d column %d: %s needs %s"),
    FTB0115E("line %d column %d: %s"),
    FTB0116E("line %d column %d: %s(%s) must be a whole number from %d to %d"),
    FTB0117E("line %d column %d: %s(%s) must be one of %s"),
    FTB0118E("line %d column %d: LISTEN(%s) must be an IP address and port, such as 127.0.0.1:1080 or [::1]:1080"),
    FTB0119E("line %d column %d: DEST(%s) must be *, an IPv4 or IPv6 address or address/prefix, or a host name that may use * and ?"),
    FTB0120E("line %d column %d: PORTS(%s) must be *, a port from 1 to 65535, or a range such as 1000-2000"),
    FTB0121E("line %d column %d: rule name %s is used twice; the first is on line %d"),
    FTB0122E("line %d column %d: %s"),
    FTB0123E("line %d column %d: %s"),
    FTB0124E("line %d column %d: cannot read %s: %s"),
    FTB0125E("line %d column %d: %s line %d: %s"),
    FTB0126E("line %d column %d: CHARSET(%s) is not a character set this Java knows"),
    FTB0127E("line %d column %d: NAME(%s) must be 1 to 32 letters, digits, '-', '_' or '.'"),
    FTB0128E("Cannot read configuration %s: %s"),
    FTB0130W("line %d column %d: SOCKS listens on %s, which is not a loopback address, with AUTH(NONE): any host that reaches it may use the broker"),
    FTB0131W("line %d column %d: rule %s can never match: rule %s on line %d matches every destination and port"),
    FTB0132W("the configuration has no RULE statement: every connection will be denied"),
    FTB0134I("Configuration %s: RC %d, %d error(s), %d warning(s)"),
    FTB0135E("line %d column %d: SSHHOST name %s is used twice; the first is on line %d"),
    FTB0136E("line %d column %d: HOST(%s) must be *, an IP address or a host name"),
    FTB0137E("line %d column %d: VIA(%s) of rule %s names no SSHHOST statement"),
    FTB0139E("line %d column %d: PERMIT(%s) must be host:ports, such as ftp.example.com:21, 10.1.0.0/16:1024-65535 or [2001:db8::1]:*"),
    FTB0138E("line %d column %d: LISTEN(%s) must be an IPv4 address: FTP 227 replies carry IPv4 only"),
    FTB0140E("line %d column %d: FILE(%s) cannot be written: %s"),
    FTB0141W("line %d column %d: KNOWNHOSTS file %s cannot be read (%s): %s"),
    FTB0142W("line %d column %d: %s file %s cannot be read (%s): %s"),
    FTB0143E("line %d column %d: %s"),
    FTB0144I("%s is read as FB80 records: every line is 80 columns with a sequence number in columns 73-80, which are ignored; --record-format STREAM reads every column"),
    FTB0145W("%s has %s; they are read as data: drop them (ISPF NUMBER OFF) or use a fixed 80-byte member"),
    FTB0146I("%s is data set %s, fixed 80-byte records: columns 72-80 are ignored"),
    FTB0147E("line %d column %d: %s(%s) must be a size from %s to %s: a whole number of bytes, or of K, M or G, such as 50M"),

    FTB0200I("%s"),
    FTB0201W("%s refused: MAXSESSIONS(%d) reached"),
    FTB0202W("%s closed: SOCKS handshake not complete within %d s"),
    FTB0203W("%s refused: %s"),
    FTB0204W("%s refused: SOCKS user %s failed authentication"),
    FTB0205I("%s denied: %s"),
    FTB0206W("%s cannot connect to %s: %s"),
    FTB0207I("%s closed: idle for %d s"),
    FTB0208W("%s cannot resolve %s: %s"),
    FTB0209E("%s refused: the broker's worker queue is full"),
    FTB0210I("%s tunnel to %s open %s"),
    FTB0211W("%s closed: not logged in within %d s (LOGINTIMEOUT)"),
    FTB0212W("%s closed: waiting %d s to log in when MAXPRELOGIN(%d) connections were waiting; its place went to a new connection"),
    FTB0213W("%s refused: all MAXPRELOGIN(%d) places hold logins under way; %d connection(s) refused so since this was last said"),
    FTB0214W("%s data port %d: %d more connection(s) to it were refused unchecked while %d others were being checked"),
    FTB0221E("%s tunnel to %s failed: SSH host down or unreachable: %s"),
    FTB0222E("%s tunnel to %s failed: SSH host key refused: %s"),
    FTB0223E("%s tunnel to %s failed: SSH login refused: %s"),
    FTB0224E("%s tunnel to %s failed: SSH key unusable: %s"),
    FTB0225E("%s tunnel to %s failed: SSH host refused the channel (administratively prohibited): %s"),
    FTB0226W("%s tunnel to %s failed: the SSH host could not connect to the destination: %s"),
    FTB0227E("%s tunnel to %s failed: %s"),
    FTB0230I("%s FTP user %s logged in to %s %s"),
    FTB0231W("%s data port %d refused %s: %s"),
    FTB0232W("%s data port %d expired: no data connection within %d s"),
    FTB0233W("%s FTP login of user %s refused: %s"),
    FTB0234E("%s FTP session to %s cannot start: %s"),
    FTB0235W("%s FTP server %s sent a malformed reply: %s"),
    FTB0236I("%s refused %s: %s"),
    FTB0237W("%s SSH host unreachable (%s): FALLBACK(PLAIN) - continuing to %s IN PLAINTEXT, UNENCRYPTED"),
    FTB0238E("%s tunnel lost: %s; the client's connection is reset"),
    FTB0239W("%s FTP server's %d reply cannot be used for a data connection: %s"),
    FTB0240W("%s client sent a command line longer than %d bytes; it was not sent on and the client got 500"),
    FTB0241W("%s FTP server %s closed the control connection %s; the client got 421"),
    FTB0242W("%s an upload's data connection broke off before its end; %s, and the data connection to the FTP server is held open until the server ends the transfer, at most %d s, so that it does not take the partial file for complete"),
    FTB0243W("%s the broken upload's data connection to the FTP server is closed %s; the server may take the partial file for complete"),
    FTB0244I("%s the FTP server ended the broken upload (%s); its data connection is closed"),
    FTB0245I("%s to %s refused: the broker is draining (DRAIN); RESUME takes new sessions again"),
    FTB0246I("%s trace %s"),
    FTB0247W("%s refused: %s; only the data connections of sessions accepted before the RELOAD come without it"),
    FTB0248W("%s FTP server %s has said nothing for %.1f s: connecting to it again (connection %d of %d)"),
    FTB0250W("%s client sent a command line holding a CR or NUL before its end; it was not sent on and the client got 500"),
    FTB0251I("%s"),

    FTB0300I("Command from %s: %s"),
    FTB0301E("Unknown command %s; HELP lists the commands"),
    FTB0302E("%s"),
    FTB0303I("STOP: the remaining sessions are ended now"),
    FTB0304I("RELOAD from %s: %s is in force as generation %d: %d rule(s), %d SSH host(s), %d listener(s); sessions under way keep theirs"),
    FTB0305E("RELOAD from %s: %s has errors (RC %d); the running configuration is unchanged"),
    FTB0306I("RELOAD: listener %s opened"),
    FTB0307I("RELOAD: listener %s closed; its sessions carry on"),
    FTB0308I("RELOAD: SSHHOST %s changed or was removed; its SSH connections close as their last tunnel ends"),
    FTB0309W("RELOAD: the %s statement changed; that takes effect only at the next start"),
    FTB0312E("RELOAD from %s: cannot listen on %s: %s; the running configuration is unchanged"),
    FTB0313I("DRAIN from %s: new sessions are refused; %d active session(s) go on"),
    FTB0314I("RESUME from %s: new sessions are accepted again"),
    FTB0315I("Nothing to do: %s"),
    FTB0316I("CANCEL from %s: %s is ended"),
    FTB0317E("No session %s; DISPLAY SESSIONS lists the active ones"),
    FTB0318I("TRACE %s from %s for %s"),
    FTB0319E("%s refused: %s"),
    FTB0310I("FTB DISPLAY%s"),
    FTB0311I("FTB COMMANDS%s"),
    FTB0340I("FTB SESSIONS %d SHOWN OF %d%s"),
    FTB0341I("FTB RULES %d FROM %s"),
    FTB0342I("FTB SSH CONNECTIONS %d"),
    FTB0343I("FTB CONFIG %s; secrets are named by their files, never shown"),
    FTB0320I("ftb ctl endpoint ready: Unix domain socket %s, for user %s only"),
    FTB0321I("ftb ctl endpoint ready: loopback TCP port %d, its token in %s, for user %s only (%s)"),
    FTB0322E("ftb ctl endpoint %s cannot be opened: %s; ftb ctl cannot reach this service, the other consoles take commands as before"),
    FTB0323E("Another service answers at ftb ctl endpoint %s: one already runs with this configuration; this one stops"),
    FTB0324E("ftb ctl refused %s: only %s, the user this service runs as, may send it commands"),
    FTB0325E("ftb ctl refused %s: wrong token"),
    FTB0326E("ftb ctl refused %s: %d other connections have not sent their command yet; try again"),
    FTB0327E("ftb ctl refused %s: %s"),
    FTB0328W("ftb ctl did not run the command of %s: the connection ended before the command could run"),
    FTB0330E("Nothing answers at ftb ctl endpoint %s: %s; the broker (or ftb gateway) may not be running, or runs with another configuration or CONTROL"),
    FTB0331E("The service at ftb ctl endpoint %s gave no whole response within %d s: %s; the command may or may not have run"),
    FTB0332E("Configuration %s has errors (RC %d), so its ftb ctl endpoint is not known: correct it, or name the endpoint with --endpoint PATH (FTB0320I gave it at the start)"),
    FTB0333E("Command text is longer than %d characters; nothing was sent"),

    FTB0500I("Gateway listening on %s; host key %s %s"),
    FTB0501I("Gateway host key generated in %s"),
    FTB0502W("Gateway refused %s a tunnel to %s: not in PERMIT"),
    FTB0503W("Gateway refused the login of user %s from %s: %s; try %d of MAXAUTHTRIES(%d)"),
    FTB0504E("Gateway cannot start: %s"),
    FTB0505I("Gateway stopped"),
    FTB0506E("%s has no GATEWAY statement: nothing to run"),
    FTB0507I("STOP from %s: the gateway closes its listener and %d SSH session(s)"),
    FTB0508I("Gateway known_hosts entry for the brokers' KNOWNHOSTS: %s"),
    FTB0509I("Gateway login of user %s from %s accepted: %s"),
    FTB0510W("Gateway disconnected user %s from %s: %d refused login tries (MAXAUTHTRIES)"),
    FTB0511W("Gateway refused user %s from %s a tunnel to %s port %d: no TCP port has that number"),
    FTB0512W("Gateway disconnected user %s from %s: login try %d came before the answer to the one before"),
    FTB0513W("Gateway refused user %s from %s a tunnel to %s port %d: its name lookup %s"),
    FTB0514W("Gateway refused %s a tunnel to %s: the key it logged in with allows %s (authorized_keys options)"),
    FTB0515W("Gateway ignores the AUTHORIZEDKEYS file of user %s: %s"),
    FTB0516I("SSH connection from %s refused: the gateway is draining (DRAIN); RESUME takes new connections again"),
    FTB0517I("RELOAD from %s: %s is in force: PERMIT has %d destination(s); SSH connections open keep going"),

    FTB0401I("%s"),
    FTB0402E("%s is not HOST:PORT (examples: ftp.example.com:21, 10.1.1.5:21, [2001:db8::1]:21)"),
    FTB0403E("--symbol %s must be NAME=VALUE with NAME 1 to 8 letters, digits, @, # or $"),
    FTB0410I("Password for user %s written to %s"),
    FTB0411E("%s"),

    FTB0600I("SSH server %s at %s has %d host key(s) of the types the broker accepts; in %s:"),
    FTB0601I("%-19s %s %s"),
    FTB0602I("%d key(s) for %s written to %s%s"),
    FTB0603I("%s holds every key of %s: nothing to write"),
    FTB0604E("The %s key of %s CHANGED: %s holds %s, the server offers %s; nothing was written. Confirm the new fingerprint with the server's administrator; if it is right, run again with --replace"),
    FTB0605E("The %s key %s of %s is marked @revoked in %s; nothing was written"),
    FTB0606E("No terminal to confirm writing %d key(s) to %s: nothing was written; check the fingerprints, then run again with --yes"),
    FTB0607W("Not confirmed: nothing was written to %s"),
    FTB0608E("Cannot fetch the host keys of %s: %s"),
    FTB0609E("%s is not HOST or HOST:PORT (examples: sftp.example.com, sftp.example.com:2222, 192.0.2.10, [2001:db8::1]:2222)"),
    FTB0610E("%s has no SSHHOST %s; its SSHHOST statements: %s"),
    FTB0611E("SSHHOST %s has HOST(*): its SSH server is the destination; name the one to trust after the SSHHOST name"),
    FTB0612E("SSHHOST %s has HOST(%s): give no HOST after the SSHHOST name"),
    FTB0613E("SSHHOST %s has PORT(%d): give %s without a port"),
    FTB0614E("Cannot read known_hosts file %s: %s; nothing was written"),
    FTB0615E("Cannot write known_hosts file %s: %s"),
    FTB0616E("Cannot replace the old key in %s: %s; nothing was written: edit that line by hand"),
    FTB0617W("%s line %d is not a known_hosts entry the broker can use, and is ignored: %s"),
    FTB0618W("%s is not tagged as %s text: %s; tag it with chtag -tc, or programs that honour file tags may misread it"),
    FTB0619E("Give --known-hosts FILE with HOST[:PORT], or --config SOURCE with an SSHHOST name"),
    FTB0620E("--timeout %d must be a whole number of seconds from 1 to 3600");

    private final String template;

    Msg(String template) {
        this.template = template;
    }

    public String id() {
        return name();
    }

    public Severity severity() {
        return Severity.valueOf(name().substring(name().length() - 1));
    }

    public String template() {
        return template;
    }

    /**
     * The message with its ID, ready for a log, a console or a terminal. Every argument but a number is
     * made {@link Printable}: most of them hold text a client or server chose (user and host names,
     * replies, reasons), and a message is one line.
     */
    public String format(Object... args) {
        Object[] shown = new Object[args.length];
        for (int i = 0; i < args.length; i++) {
            shown[i] = args[i] == null || args[i] instanceof Number ? args[i] : Printable.of(args[i].toString());
        }
        return id() + " " + String.format(Locale.ROOT, template, shown);
    }
}
