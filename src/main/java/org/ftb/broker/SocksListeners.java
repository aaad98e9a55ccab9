package org.ftb.broker;

import org.ftb.address.HostPort;
import org.ftb.address.IpAddress;
import org.ftb.message.MessageLog;
import org.ftb.message.Msg;
import org.ftb.net.AcceptCondition;
import org.ftb.net.Listeners;
import org.ftb.net.Reactor;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The SOCKS listeners of the LISTEN addresses: bound at the start, replaced by RELOAD, closed by STOP.
 * They accept on one reactor and hand each new connection to the server.
 */
final class SocksListeners {
    private final Reactor reactor;
    private final ScheduledExecutorService timer;
    private final MessageLog messages;
    private final Consumer<SocketChannel> accepted;
    /** The bound listeners by the LISTEN address that asked for them; replaced whole, under {@code this}. */
    private volatile Map<HostPort, Acceptor> listeners = Map.of();
    private volatile boolean accepting;

    /** @param accepted takes each connection accepted, on the reactor's thread */
    SocksListeners(Reactor reactor, ScheduledExecutorService timer, MessageLog messages, Consumer<SocketChannel> accepted) {
        this.reactor = reactor;
        this.timer = timer;
        this.messages = messages;
        this.accepted = accepted;
    }

    /**
     * Binds every address and takes clients on them.
     *
     * @throws SocksServer.ListenException naming the address that could not be bound; none is left bound
     */
    synchronized void start(List<HostPort> addresses) throws SocksServer.ListenException {
        Map<HostPort, Acceptor> bound = bind(addresses);
        listeners = bound;
        accepting = true;
        bound.values().forEach(this::registerListener);
    }

    /** The addresses actually bound (with the real port when a test asked for port 0). */
    List<InetSocketAddress> addresses() {
        return listeners.values().stream().map(a -> a.bound).toList();
    }

    /** Closes the listeners; connections already accepted carry on. */
    synchronized void close() {
        accepting = false;
        listeners.values().forEach(this::close);
    }

    /**
     * Binds each address; when one cannot be bound, closes those this call bound and throws naming it.
     *
     * @return the new listeners, in the order given, not yet accepting
     */
    private Map<HostPort, Acceptor> bind(List<HostPort> addresses) throws SocksServer.ListenException {
        Map<HostPort, Acceptor> bound = new LinkedHashMap<>();
        for (HostPort address : addresses) {
            ServerSocketChannel listener = null;
            try {
                InetAddress ip = InetAddress.getByAddress(IpAddress.parse(address.host()).orElseThrow());
                listener = Listeners.open(ip);
                listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                listener.bind(new InetSocketAddress(ip, address.port()), 1024);
                bound.put(address, new Acceptor(reactor, listener, (InetSocketAddress) listener.getLocalAddress()));
            } catch (IOException e) {
                if (listener != null) {
                    closeQuietly(listener);
                }
                bound.values().forEach(a -> closeQuietly(a.listener));
                throw new SocksServer.ListenException(address, e);
            }
        }
        return bound;
    }

    private void registerListener(Acceptor handler) {
        handler.reactor.execute(() -> {
            try {
                handler.key = handler.reactor.register(handler.listener, SelectionKey.OP_ACCEPT, handler);
            } catch (IOException e) {
                messages.log(Msg.FTB0010E, "listen on " + handler.address, String.valueOf(e));
            }
        });
    }

    /**
     * Puts the listeners of a reloaded configuration in place: new ones are bound first, so that an
     * address that cannot be bound leaves everything as it was; then {@code inPlace} runs (the new
     * configuration is put in place for the connections to come), the new listeners take clients, and
     * those no longer named are closed.
     *
     * @return what changed, for the operator; empty when a STOP has closed the listeners meanwhile, and
     *         nothing changed
     * @throws SocksServer.ListenException naming the address that could not be bound; nothing changed
     */
    synchronized Optional<SocksServer.ListenerChanges> replace(List<HostPort> next, Runnable inPlace) throws SocksServer.ListenException {
        if (!accepting) {
            // A listener bound now would be closed by no one: the stop has closed those it knew.
            return Optional.empty();
        }
        Map<HostPort, Acceptor> current = listeners;
        List<HostPort> added = next.stream().filter(a -> !current.containsKey(a)).toList();
        Map<HostPort, Acceptor> going = new LinkedHashMap<>(current);
        going.keySet().removeAll(next);
        Map<HostPort, Acceptor> fresh = bindInPlaceOf(added, going);
        Map<HostPort, Acceptor> kept = new LinkedHashMap<>();
        for (HostPort address : next) {
            kept.put(address, current.containsKey(address) ? current.get(address) : fresh.get(address));
        }
        inPlace.run();
        listeners = Collections.unmodifiableMap(kept);
        fresh.values().forEach(this::registerListener);
        going.values().forEach(this::close);
        return Optional.of(new SocksServer.ListenerChanges(fresh.values().stream().map(a -> a.address).toList(),
                going.values().stream().map(a -> a.address).toList()));
    }

    /**
     * Binds {@code added}. A new address may share its port with one that goes ({@code 0.0.0.0:1080} to
     * {@code 127.0.0.1:1080}), which the system refuses while the old one listens: when a bind fails, the
     * going listeners of those ports are closed and the bind tried once more; if it fails again, they are
     * bound anew in place of the old, so that nothing changes.
     *
     * @param going the listeners the new configuration no longer names; those closed here are replaced in
     *              the map by their new binding when the reload fails, and {@link #listeners} with them
     */
    private Map<HostPort, Acceptor> bindInPlaceOf(List<HostPort> added, Map<HostPort, Acceptor> going) throws SocksServer.ListenException {
        try {
            return bind(added);
        } catch (SocksServer.ListenException first) {
            Set<Integer> ports = added.stream().map(HostPort::port).collect(Collectors.toSet());
            Map<HostPort, Acceptor> sharing = new LinkedHashMap<>(going);
            sharing.keySet().removeIf(a -> !ports.contains(a.port()));
            if (sharing.isEmpty()) {
                throw first;
            }
            sharing.values().forEach(this::close);
            try {
                return bind(added);
            } catch (SocksServer.ListenException second) {
                restore(sharing);
                throw second;
            }
        }
    }

    /** Binds the listeners a failed reload closed once more, in their place; one that cannot be is said so. */
    private void restore(Map<HostPort, Acceptor> closed) {
        Map<HostPort, Acceptor> restored = new LinkedHashMap<>(listeners);
        for (HostPort address : closed.keySet()) {
            try {
                Acceptor again = bind(List.of(address)).get(address);
                restored.put(address, again);
                registerListener(again);
            } catch (SocksServer.ListenException e) {
                restored.remove(address);
                messages.log(Msg.FTB0006E, address, e.getMessage());
            }
        }
        listeners = Collections.unmodifiableMap(restored);
    }

    private void close(Acceptor acceptor) {
        acceptor.condition.closed();
        acceptor.reactor.closeNow(acceptor.listener);
    }

    /**
     * Accepts a listener's connections. A failing accept takes the listener out of the selector; it is
     * tried again every {@link AcceptCondition#RETRY} with an accept that does not wait for a client, until
     * one finds none left waiting, and then the listener takes clients as they come again.
     */
    private final class Acceptor implements Reactor.Handler {
        private final Reactor reactor;
        private final ServerSocketChannel listener;
        private final InetSocketAddress bound;
        private final String address;
        private final AcceptCondition condition;
        private SelectionKey key;

        Acceptor(Reactor reactor, ServerSocketChannel listener, InetSocketAddress bound) {
            this.reactor = reactor;
            this.listener = listener;
            this.bound = bound;
            this.address = SocksServer.text(bound);
            this.condition = new AcceptCondition(listener, address, messages);
        }

        @Override
        public void ready(SelectionKey key) throws IOException {
            condition.acceptWaiting(accepted::accept);
        }

        @Override
        public void failed(Exception cause) {
            if (!accepting || key == null || !key.isValid()) {
                return;
            }
            condition.failed(cause);
            key.interestOps(0);
            try {
                timer.schedule(() -> reactor.execute(this::retry), AcceptCondition.RETRY.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // The broker is stopping: there is nothing left to accept for.
            }
        }

        /**
         * On the reactor: a real accept, not a wait for readiness, which would never come while no client
         * waits, and the condition would stay on with the listener long able to accept again.
         */
        private void retry() {
            if (!accepting || !key.isValid()) {
                return;
            }
            try {
                condition.acceptWaiting(accepted::accept);
                key.interestOps(SelectionKey.OP_ACCEPT);
            } catch (IOException | RuntimeException e) {
                failed(e);
            }
        }
    }

    private static void closeQuietly(ServerSocketChannel listener) {
        try {
            listener.close();
        } catch (IOException e) {
            // closing is best effort
        }
    }
}
