package org.ftb.gateway;

import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.AsyncAuthException;
import org.apache.sshd.server.auth.UserAuthFactory;
import org.apache.sshd.server.auth.password.UserAuthPasswordFactory;
import org.apache.sshd.server.auth.pubkey.AuthorizedKeyEntriesPublickeyAuthenticator;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.server.session.ServerSession;
import org.ftb.address.IpAddress;
import org.ftb.auth.UserDirectory;
import org.ftb.message.MessageLog;
import org.ftb.message.Msg;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The gateway's logins, hardened as OpenSSH's sshd is: at most MAXAUTHTRIES refused tries (passwords
 * and public keys) per SSH connection, then a disconnect; a refused password is answered only after
 * {@link Gateway#FAILURE_DELAY}; every success and refusal logged. Passwords are hashed on threads of their
 * own ({@link PasswordChecks}): the slow hash on one of MINA's few I/O threads would stall every other
 * session. A connection has one login try in flight at most: a client that sends the next before the
 * answer would otherwise have its guesses checked faster than the delay allows, and MINA, which keeps one
 * current login per connection, would lose the answer to the earlier one.
 */
final class Logins implements AutoCloseable {
    private static final AttributeRepository.AttributeKey<AtomicInteger> TRIES = new AttributeRepository.AttributeKey<>();
    /** Set once the connection has sent a password: its later ones are retries (see {@link PasswordChecks}). */
    private static final AttributeRepository.AttributeKey<AtomicBoolean> PASSWORD_SENT = new AttributeRepository.AttributeKey<>();
    /** How the session logged in, for FTB0509I once MINA says it is authenticated. */
    private static final AttributeRepository.AttributeKey<String> METHOD = new AttributeRepository.AttributeKey<>();
    /** What the key the session logged in with may tunnel to; none for a password. */
    private static final AttributeRepository.AttributeKey<KeyTunnels> KEY_TUNNELS = new AttributeRepository.AttributeKey<>();
    /** Set while a password of the connection waits for its answer. */
    private static final AttributeRepository.AttributeKey<AtomicBoolean> IN_FLIGHT = new AttributeRepository.AttributeKey<>();

    /** RELOAD may replace the directory; whether passwords are taken at all is fixed at the start. */
    private volatile Optional<UserDirectory> users;
    private final Optional<PublickeyAuthenticator> keys;
    private final int maxTries;
    private final MessageLog messages;
    private final PasswordChecks checks;
    /** Answers after the delay, and disconnects; short tasks only. */
    private final ScheduledThreadPoolExecutor timer;
    private final AtomicLong passwordsRefused = new AtomicLong();

    Logins(Optional<UserDirectory> users, Optional<PublickeyAuthenticator> keys, int maxTries, MessageLog messages) {
        this.users = users;
        this.keys = keys;
        this.maxTries = maxTries;
        this.messages = messages;
        this.checks = new PasswordChecks(Math.max(1, Runtime.getRuntime().availableProcessors()));
        this.timer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "ftb-gateway-login-timer");
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true);
    }

    /**
     * RELOAD's USERS file, for the logins from now on.
     *
     * @return false when the gateway started without USERS, so that it takes no passwords until a restart
     */
    boolean replaceUsers(UserDirectory replacement) {
        if (users.isEmpty()) {
            return false;
        }
        users = Optional.of(replacement);
        return true;
    }

    /** Offers password and public-key logins as configured, nothing else (no keyboard-interactive). */
    void install(SshServer server) {
        List<UserAuthFactory> methods = new ArrayList<>();
        if (users.isPresent()) {
            server.setPasswordAuthenticator(this::password);
            methods.add(UserAuthPasswordFactory.INSTANCE);
        }
        if (keys.isPresent()) {
            server.setPublickeyAuthenticator(this::publickey);
            methods.add(UserAuthPublicKeyFactory.INSTANCE);
        }
        server.setKeyboardInteractiveAuthenticator(null);
        server.setUserAuthFactories(methods);
        // MINA's own count takes every request but the first, and a key's query and its signed request
        // apart: kept above ours, so that MAXAUTHTRIES decides and FTB0510W says so.
        CoreModuleProperties.MAX_AUTH_REQUESTS.set(server, 2 * maxTries + 2);
        server.addSessionListener(new SessionListener() {
            @Override
            public void sessionEvent(Session session, Event event) {
                if (event == Event.Authenticated) {
                    messages.log(Msg.FTB0509I, session.getUsername(), client(session), session.getAttribute(METHOD));
                }
            }
        });
    }

    /** Password logins refused since start, for DISPLAY. */
    long passwordsRefused() {
        return passwordsRefused.get();
    }

    /** Answers later (MINA's asynchronous login): at once when right, after the delay when wrong. */
    private boolean password(String user, String password, ServerSession session) {
        int tryNumber = tries(session).incrementAndGet();
        if (!inFlight(session).compareAndSet(false, true)) {
            pipelined(session, user, tryNumber);
            return false;
        }
        if (tryNumber > maxTries) {
            // A public key used up the last try; the disconnect is on its way.
            disconnect(session, user);
            return false;
        }
        byte[] bytes = password.getBytes(StandardCharsets.UTF_8);
        AsyncAuthException answer = new AsyncAuthException();
        boolean firstPassword = session.computeAttributeIfAbsent(PASSWORD_SENT, k -> new AtomicBoolean()).compareAndSet(false, true);
        boolean queued = checks.submit(new PasswordChecks.Check() {
            @Override
            public void run() {
                if (closing(session)) {
                    refuse("password not checked: the client left before its turn");
                    return;
                }
                if (users.orElseThrow().verify(user, bytes)) {
                    session.setAttribute(METHOD, "password");
                    inFlight(session).set(false);
                    answer.setAuthed(true);
                    return;
                }
                refuse(users.orElseThrow().users().contains(user) ? "password does not match" : "password for a user USERS does not have");
            }

            @Override
            public void dropped() {
                refuse("password not checked: newer password checks pushed it out of the gateway's queue (a flood of logins?)");
            }

            private void refuse(String reason) {
                Arrays.fill(bytes, (byte) 0);
                passwordsRefused.incrementAndGet();
                refused(session, user, reason, tryNumber);
                try {
                    timer.schedule(() -> {
                        if (tryNumber >= maxTries) {
                            disconnect(session, user);
                        } else if (!closing(session)) {
                            inFlight(session).set(false);
                            answer.setAuthed(false);
                        }
                    }, Gateway.FAILURE_DELAY.toMillis(), TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException e) {
                    // The gateway is stopping: its sessions close with it.
                }
            }
        }, firstPassword);
        if (!queued) {
            // The gateway is stopping: its sessions close with it.
            return false;
        }
        throw answer;
    }

    /** Called for the key's query and again for its signed request; a refusal is not delayed, as clients offer several keys. */
    private boolean publickey(String user, PublicKey key, ServerSession session) {
        if (inFlight(session).get()) {
            pipelined(session, user, tries(session).incrementAndGet());
            return false;
        }
        if (tries(session).get() >= maxTries) {
            // The disconnect is on its way.
            return false;
        }
        String method = "publickey " + KeyUtils.getKeyType(key) + " " + KeyUtils.getFingerPrint(key);
        String reason = method + " is not in the user's AUTHORIZEDKEYS file";
        if (keys.orElseThrow().authenticate(user, key, session)) {
            AuthorizedKeyEntry entry = session.getAttribute(AuthorizedKeyEntriesPublickeyAuthenticator.AUTHORIZED_KEY);
            KeyTunnels.Parsed options = entry == null ? new KeyTunnels.Refused("no authorized_keys entry found for it")
                    : KeyTunnels.parse(entry.getLoginOptions() == null ? Map.of() : entry.getLoginOptions());
            if (options instanceof KeyTunnels.Allowed allowed) {
                session.setAttribute(METHOD, method);
                session.setAttribute(KEY_TUNNELS, allowed.tunnels());
                return true;
            }
            reason = method + " is refused: " + ((KeyTunnels.Refused) options).reason();
        }
        int tryNumber = tries(session).incrementAndGet();
        refused(session, user, reason, tryNumber);
        if (tryNumber >= maxTries) {
            // Apart from MINA's thread, which sends the refusal first.
            try {
                timer.execute(() -> disconnect(session, user));
            } catch (RejectedExecutionException e) {
                // The gateway is stopping: its sessions close with it.
            }
        }
        return false;
    }

    private void refused(ServerSession session, String user, String reason, int tryNumber) {
        messages.log(Msg.FTB0503W, user, client(session), reason, tryNumber, maxTries);
    }

    /** A try sent before the answer to the one before: logged, never checked, and the connection ends. */
    private void pipelined(ServerSession session, String user, int tryNumber) {
        if (!closing(session)) {
            messages.log(Msg.FTB0512W, user, client(session), tryNumber);
            end(session, SshConstants.SSH2_DISCONNECT_PROTOCOL_ERROR, "Login request before the answer to the previous one");
        }
    }

    private void disconnect(ServerSession session, String user) {
        if (!closing(session)) {
            messages.log(Msg.FTB0510W, user, client(session), maxTries);
            end(session, SshConstants.SSH2_DISCONNECT_NO_MORE_AUTH_METHODS_AVAILABLE, "Too many authentication failures");
        }
    }

    private static boolean closing(ServerSession session) {
        return session.isClosing() || session.isClosed();
    }

    private static void end(ServerSession session, int reason, String text) {
        try {
            session.disconnect(reason, text);
        } catch (IOException e) {
            session.close(true);
        }
    }

    private static AtomicInteger tries(ServerSession session) {
        return session.computeAttributeIfAbsent(TRIES, k -> new AtomicInteger());
    }

    private static AtomicBoolean inFlight(ServerSession session) {
        return session.computeAttributeIfAbsent(IN_FLIGHT, k -> new AtomicBoolean());
    }

    /** What the session's login key allows, when it logged in with one. */
    static Optional<KeyTunnels> keyTunnels(Session session) {
        return Optional.ofNullable(session.getAttribute(KEY_TUNNELS));
    }

    /** The client's address as {@code host:port}, {@code [v6]:port} for IPv6. */
    static String client(Session session) {
        SocketAddress address = session.getRemoteAddress();
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return IpAddress.hostForPort(inet.getAddress().getHostAddress()) + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }

    @Override
    public void close() {
        checks.close();
        timer.shutdownNow();
    }
}
