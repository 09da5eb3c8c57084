package io.gantry.proxy.source;

import io.gantry.proxy.backend.BackendGroup;

/** Something that tells a {@link BackendGroup} which backends exist, now and as that changes. */
public interface BackendSource extends AutoCloseable {

    /** Starts feeding {@code group}; returns without waiting for the first result. */
    void start(BackendGroup group);

    /** Waits at most {@code timeout} until the group holds the source's first full set; true when it does. */
    default boolean awaitFirstSet(java.time.Duration timeout) throws InterruptedException {
        return true;
    }

    @Override
    void close();
}
