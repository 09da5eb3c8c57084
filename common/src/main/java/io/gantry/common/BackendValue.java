package io.gantry.common;

/**
 * What a backend key's value says, as {@link ServiceKeys#parseBackend} reads it: where the backend
 * listens, whether it is reached over TLS, the protocol it speaks, its share of requests and whether it
 * is draining.
 *
 * @param address where the backend listens
 * @param tls whether the backend is reached over TLS ({@code "tls": true} in a JSON value)
 * @param protocol {@code http/1.1} (the default), {@code h2c} (HTTP/2 in cleartext) or {@code h2} (over TLS)
 * @param weight its share of requests relative to the service's other backends, 0 to {@link #MAX_WEIGHT}
 *     ({@code "weight": 3}; 1 when absent; 0 takes no new request, as HAProxy's {@code weight 0})
 * @param draining it takes no new request while those in flight finish ({@code "draining": true})
 */
public record BackendValue(HostPort address, boolean tls, String protocol, int weight, boolean draining) {

    /** The protocols a value may name. */
    public static final java.util.List<String> PROTOCOLS = java.util.List.of("http/1.1", "h2c", "h2");

    /** The largest weight, as HAProxy's. */
    public static final int MAX_WEIGHT = 256;

    public BackendValue {
        if (address == null) {
            throw new IllegalArgumentException("address is missing");
        }
        if (weight < 0 || weight > MAX_WEIGHT) {
            throw new IllegalArgumentException("weight " + weight + " is not between 0 and " + MAX_WEIGHT);
        }
    }

    /** An HTTP/1.1 backend of weight 1, not draining. */
    public BackendValue(HostPort address, boolean tls) {
        this(address, tls, "http/1.1", 1, false);
    }

    /** A backend of weight 1, not draining. */
    public BackendValue(HostPort address, boolean tls, String protocol) {
        this(address, tls, protocol, 1, false);
    }

    /** The same backend, draining: what discovery writes before it deletes the key. */
    public BackendValue asDraining() {
        return new BackendValue(address, tls, protocol, weight, true);
    }

    /** This value as a key's JSON value, which {@link ServiceKeys#parseBackend} reads back as it is. */
    public String toJson() {
        StringBuilder b = new StringBuilder("{\"address\":\"").append(address).append('"');
        if (tls) {
            b.append(",\"tls\":true");
        }
        if (!protocol.equals("http/1.1")) {
            b.append(",\"protocol\":\"").append(protocol).append('"');
        }
        if (weight != 1) {
            b.append(",\"weight\":").append(weight);
        }
        if (draining) {
            b.append(",\"draining\":true");
        }
        return b.append('}').toString();
    }
}
