package io.gantry.proxy.balance;

import io.gantry.proxy.backend.BackendSet;
import io.gantry.proxy.backend.Endpoint;
import io.gantry.proxy.backend.PassiveHealth;
import io.netty.handler.codec.http.HttpRequest;

/**
 * Where a backend is picked: one {@link Policy} over one service's current {@link BackendSet}. The
 * service's single writer {@link #rebase}s it onto each new set; every event loop picks from it at once.
 * Every policy gives no new request to an endpoint that is draining or of weight 0, to the one a retry
 * leaves, or to one passive health is skipping, as long as another will do; failing that it falls back
 * in that order ({@link Candidates#scan}) rather than refuse on stale information.
 */
public interface Balancer {

    /** Switches to {@code set}. Called by one writer at a time. */
    void rebase(BackendSet set);

    /**
     * The endpoint for a request, or null when the set is empty.
     *
     * @param clientAddress the client's IP address (for hashing on it)
     * @param avoid the endpoint a retry leaves, or null
     */
    Endpoint pick(HttpRequest request, String clientAddress, Endpoint avoid, PassiveHealth health);

    /**
     * The {@code Set-Cookie} value a response from {@code chosen} carries so that the client's next
     * requests stick to it, or null when none is needed (sticky sessions only).
     */
    default String cookieFor(Endpoint chosen, HttpRequest request) {
        return null;
    }
}
