package io.gantry.common;

/**
 * What a backend key's value says, as {@link ServiceKeys#parseBackend} reads it: where the backend
 * listens, whether it is reached over TLS, and the protocol it speaks.
 *
 * @param address where the backend listens
 * @param tls whether the backend is reached over TLS ({@code "tls": true} in a JSON value)
 * @param protocol {@code http/1.1} (the default), {@code h2c} (HTTP/2 in cleartext) or {@code h2} (over TLS)
 */
public record BackendValue(HostPort address, boolean tls, String protocol) {

    /** The protocols a value may name. */
    public static final java.util.List<String> PROTOCOLS = java.util.List.of("http/1.1", "h2c", "h2");

    public BackendValue {
        if (address == null) {
            throw new IllegalArgumentException("address is missing");
        }
    }

    /** An HTTP/1.1 backend. */
    public BackendValue(HostPort address, boolean tls) {
        this(address, tls, "http/1.1");
    }
}
