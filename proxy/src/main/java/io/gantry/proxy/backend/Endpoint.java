package io.gantry.proxy.backend;

/**
 * One backend as its service balances over it: the backend, its weight (its share of new requests
 * relative to the others), whether it is draining (it takes no new request while those in flight
 * finish), and its {@link BackendLoad}, which outlives changes of weight or draining.
 */
public record Endpoint(Backend backend, int weight, boolean draining, BackendLoad load) {

    /** A backend of weight 1, not draining, that has been there since before the proxy started. */
    public static Endpoint of(Backend backend) {
        return new Endpoint(backend, 1, false, BackendLoad.fromStart());
    }

    /** Whether it may be given a new request: weight above 0 and not draining. */
    public boolean takesNew() {
        return weight > 0 && !draining;
    }

    public String key() {
        return backend.key();
    }
}
