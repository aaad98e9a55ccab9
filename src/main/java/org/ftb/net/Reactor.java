package org.ftb.net;

import org.ftb.message.MessageLog;
import org.ftb.message.Msg;

import java.io.IOException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;

/**
 * One selector and the thread that runs it. Every channel registered here is touched only by that
 * thread, so connection state needs no locks; other threads hand work over with {@link #execute}.
 */
public final class Reactor implements Executor {
    /** What a registered channel's attachment does when the channel is ready. */
    public interface Handler {
        void ready(SelectionKey key) throws IOException;

        /** An I/O error or bug while handling readiness; the handler must close what it owns. */
        void failed(Exception cause);
    }

    private final Selector selector;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private final MessageLog messages;
    private volatile boolean running = true;

    public Reactor(ThreadFactory threads, MessageLog messages) throws IOException {
        this.selector = Selector.open();
        this.messages = messages;
        this.thread = threads.newThread(this::loop);
        thread.start();
    }

    public boolean inReactor() {
        return Thread.currentThread() == thread;
    }

    /** Runs {@code task} on the reactor thread, soon; safe from any thread. */
    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        selector.wakeup();
    }

    /**
     * Runs {@code task} now when called on the reactor thread, else as {@link #execute} does: an event
     * seen on the reactor is then handled before any task queued later can overtake it.
     */
    public void runHere(Runnable task) {
        if (inReactor()) {
            task.run();
        } else {
            execute(task);
        }
    }

    /** Registers a channel (non-blocking) for {@code ops}; call on the reactor thread. */
    public SelectionKey register(SelectableChannel channel, int ops, Handler handler) throws IOException {
        channel.configureBlocking(false);
        return channel.register(selector, ops, handler);
    }

    private void loop() {
        try {
            while (running) {
                selector.select();
                runTasks();
                for (SelectionKey key : selector.selectedKeys()) {
                    Handler handler = (Handler) key.attachment();
                    try {
                        if (key.isValid()) {
                            handler.ready(key);
                        }
                    } catch (IOException | RuntimeException e) {
                        handler.failed(e);
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException | ClosedSelectorException e) {
            if (running) {
                messages.log(Msg.FTB0010E, thread.getName(), String.valueOf(e));
            }
        } finally {
            closeSelector();
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            try {
                task.run();
            } catch (RuntimeException e) {
                messages.log(Msg.FTB0010E, thread.getName(), String.valueOf(e));
            }
        }
    }

    private void closeSelector() {
        for (SelectionKey key : selector.keys()) {
            try {
                key.channel().close();
            } catch (IOException e) {
                // closing everything on the way out
            }
        }
        try {
            selector.close();
        } catch (IOException e) {
            // nothing more to release
        }
    }

    /**
     * Closes a registered channel for good and waits until it is: the JDK defers the close of a
     * registered channel until its key leaves the selector, and a listener must stop listening now.
     */
    public void closeNow(SelectableChannel channel) {
        java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        execute(() -> {
            try {
                channel.close();
                selector.selectNow();
            } catch (IOException e) {
                // closed as far as it can be
            }
            done.complete(null);
        });
        if (!inReactor()) {
            try {
                done.get(5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // the reactor is gone or stuck; the channel is closed as far as it can be
            }
        }
    }

    /** Waits up to {@code limit} for the loop to end. */
    public void join(java.time.Duration limit) {
        try {
            thread.join(Math.max(1, limit.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the loop after the tasks already queued; channels still registered are closed. */
    public void shutdown() {
        execute(() -> running = false);
    }
}
