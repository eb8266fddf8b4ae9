package dev.nodenet.proxy;

/**
 * A proxy mode (iptables, nftables, ipvs, userspace): turns the complete desired state into data-plane configuration.
 * <p>Threading: all methods are called on the proxy's single sync thread, one at a time; a backend needs no locking
 * of its own state.
 */
public interface Backend extends AutoCloseable {

    /** The mode word served at /proxyMode ({@code iptables}, ...). */
    String mode();

    /**
     * Programs {@code state} atomically: after a successful return the data plane matches it exactly, after a failure
     * it matches the previous successful sync (or, if the mode cannot promise that, the next full sync repairs it).
     * {@code changes} lets a mode rewrite only what changed; it must still produce exactly the state a full render
     * would. A backend may ask for a full sync by returning false from {@link #upToDate()}.
     *
     * @throws BackendException when programming failed; the core retries with backoff and a full sync
     */
    void sync(ProxyState state, Changes changes) throws BackendException;

    /**
     * False when the backend knows its programming was damaged from outside (e.g. a firewall reload flushed our
     * chains): the core then makes the next sync full. Called before each sync.
     */
    default boolean upToDate() {
        return true;
    }

    /** Removes everything this mode ever created (for {@code --cleanup}); succeeds when nothing is there. */
    void cleanup() throws BackendException;

    /** Releases resources (not the programmed rules). */
    @Override
    default void close() {
    }
}
