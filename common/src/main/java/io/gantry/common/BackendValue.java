package io.gantry.common;

/**
 * What a backend key's value says, as {@link ServiceKeys#parseBackend} reads it: where the backend
 * listens and whether it is reached over TLS.
 *
 * @param address where the backend listens
 * @param tls whether the backend is reached over TLS ({@code "tls": true} in a JSON value)
 */
public record BackendValue(HostPort address, boolean tls) {

    public BackendValue {
        if (address == null) {
            throw new IllegalArgumentException("address is missing");
        }
    }
}
