package org.ftb.broker;

import org.ftb.ftp.ControlSession;
import org.ftb.ftp.DataTransfer;

import java.util.function.BooleanSupplier;
import java.util.function.IntPredicate;
import java.util.function.Supplier;

/**
 * An FTP session as its held uploads see it: what its state machine says of the data connections,
 * copied on the session's reactor thread after each event, so that data connections read it on their
 * own threads; and the ABOR, decided and sent on the reactor thread.
 */
final class SessionStore implements HeldUploads.Store {
    private final BooleanSupplier sshLost;
    private final BooleanSupplier controlOpen;
    private final Supplier<ControlSession> machine;
    private final IntPredicate abort;
    private volatile int storePort = -1;
    private volatile boolean awaited;
    private volatile int announcements;
    private volatile boolean ended;

    /**
     * @param sshLost     true once the session's SSH connection is lost
     * @param controlOpen true while the session's control connection stands
     * @param abort       sends ABOR for the store on a data port, if the state machine lets it
     */
    SessionStore(BooleanSupplier sshLost, BooleanSupplier controlOpen, Supplier<ControlSession> machine, IntPredicate abort) {
        this.sshLost = sshLost;
        this.controlOpen = controlOpen;
        this.machine = machine;
        this.abort = abort;
    }

    /** After each event of the session, on its reactor thread. */
    void update(DataTransfer transfer) {
        storePort = transfer.storePort();
        awaited = transfer.awaited();
        announcements = transfer.announcements();
    }

    /** The session ended: no transfer command can come any more. */
    void ended() {
        ended = true;
    }

    @Override
    public boolean inProgress(int port) {
        return storePort == port && !sshLost.getAsBoolean();
    }

    @Override
    public int announcement() {
        return announcements;
    }

    @Override
    public boolean mayStart(int port) {
        return awaited && port == announcements && !ended;
    }

    @Override
    public boolean canAbort(int port) {
        return controlOpen.getAsBoolean() && machine.get().canAbortStore(port);
    }

    @Override
    public boolean abortWaits(int port) {
        return controlOpen.getAsBoolean() && machine.get().abortWaits(port);
    }

    @Override
    public void abort(int port) {
        abort.test(port);
    }
}
