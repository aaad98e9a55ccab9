package org.ftb.gateway;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The threads that hash passwords, newest first, a connection's first password before any retry. A
 * flood of wrong passwords on many connections must not queue a broker's correct one behind all of
 * them, as a first-come queue does: a broker logs in with one password on a new connection, while a
 * flood's connections try again and again. So a first password runs before every retry, the newest of
 * each kind first, and beyond {@link #WAITING_PER_THREAD} per thread the oldest waiting retry is
 * dropped (refused unchecked, after the same delay), a first password only when no retry is left.
 */
final class PasswordChecks implements AutoCloseable {
    /** About a second of hashing per thread at the default PBKDF2 iteration count. */
    private static final int WAITING_PER_THREAD = 4;

    /** A password check, or its refusal unchecked when newer ones push it out. */
    interface Check extends Runnable {
        void dropped();
    }

    private final Deque<Check> first = new ArrayDeque<>();
    private final Deque<Check> again = new ArrayDeque<>();
    private final int capacity;
    private final List<Thread> threads = new ArrayList<>();
    private boolean closed;

    PasswordChecks(int threadCount) {
        this.capacity = WAITING_PER_THREAD * threadCount;
        for (int i = 0; i < threadCount; i++) {
            Thread thread = new Thread(this::work, "ftb-gateway-login");
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    /**
     * @param firstPassword true for the first password its connection sends
     * @return false when closed: the check will never run
     */
    boolean submit(Check check, boolean firstPassword) {
        Check pushedOut = null;
        synchronized (this) {
            if (closed) {
                return false;
            }
            (firstPassword ? first : again).addFirst(check);
            if (first.size() + again.size() > capacity) {
                pushedOut = again.isEmpty() ? first.removeLast() : again.removeLast();
            }
            notifyAll();
        }
        if (pushedOut != null) {
            pushedOut.dropped();
        }
        return true;
    }

    private void work() {
        while (true) {
            Check next;
            synchronized (this) {
                while (first.isEmpty() && again.isEmpty() && !closed) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) {
                    return;
                }
                next = first.isEmpty() ? again.removeFirst() : first.removeFirst();
            }
            next.run();
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            first.clear();
            again.clear();
            notifyAll();
        }
        threads.forEach(Thread::interrupt);
    }
}
