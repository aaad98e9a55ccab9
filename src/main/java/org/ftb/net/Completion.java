package org.ftb.net;

import java.nio.channels.CompletionHandler;
import java.util.function.Consumer;

/** A {@link CompletionHandler} from two lambdas, so that each step of a session reads as one method. */
final class Completion<V> implements CompletionHandler<V, Void> {
    private final Consumer<V> onSuccess;
    private final Consumer<Throwable> onFailure;

    private Completion(Consumer<V> onSuccess, Consumer<Throwable> onFailure) {
        this.onSuccess = onSuccess;
        this.onFailure = onFailure;
    }

    static <V> Completion<V> of(Consumer<V> onSuccess, Consumer<Throwable> onFailure) {
        return new Completion<>(onSuccess, onFailure);
    }

    @Override
    public void completed(V result, Void attachment) {
        onSuccess.accept(result);
    }

    @Override
    public void failed(Throwable exc, Void attachment) {
        onFailure.accept(exc);
    }
}
