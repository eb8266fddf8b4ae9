package dev.nodenet.controlplane.server;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * Kind-specific behaviour the {@link Registry} applies around every write, in kube-apiserver's order:
 * prepare (reset fields the caller may not set, default), validate, store, then {@link #afterDelete}.
 * Implementations are stateless or thread-safe: the registry calls them from request threads concurrently.
 */
public interface Strategy {

    /** Defaults and resets on create. {@code obj} is mutable and already carries server-set metadata. */
    default void prepareForCreate(ObjectNode obj) {}

    /** Defaults and resets on update of the main resource or a subresource. {@code old} must not be changed. */
    default void prepareForUpdate(ObjectNode obj, ObjectNode old) {}

    /** Field problems of the object about to be stored ({@code old} is null on create); empty when valid. */
    default List<ApiException.Cause> validate(ObjectNode obj, ObjectNode old) {
        return List.of();
    }

    /**
     * Called after {@link #validate} and right before the store write; may still fill in {@code obj} (allocated IPs
     * and ports). The returned callback is called exactly once with the outcome: true when the write happened (a no-op
     * update counts), false when it failed, was a dry run or never happened — so claims made here can be undone.
     */
    default java.util.function.Consumer<Boolean> beginWrite(ObjectNode obj, ObjectNode old, boolean dryRun) {
        return written -> {};
    }

    /** Called after an object was deleted (release allocations and the like). */
    default void afterDelete(ObjectNode deleted) {}

    Strategy NONE = new Strategy() {};
}
