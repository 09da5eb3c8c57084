package io.gantry.proxy.source;

/** Something that tells the proxy which routes and backends exist, now and as that changes. */
public interface BackendSource extends AutoCloseable {

    /** Starts feeding the proxy's services and routes; returns without waiting for the first result. */
    void start();

    /** Waits at most {@code timeout} until the source's first full read is applied; true when it is. */
    default boolean awaitFirstSet(java.time.Duration timeout) throws InterruptedException {
        return true;
    }

    @Override
    void close();
}
