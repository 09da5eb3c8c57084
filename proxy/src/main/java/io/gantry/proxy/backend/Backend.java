package io.gantry.proxy.backend;

import io.gantry.common.HostPort;
import java.net.InetSocketAddress;

/**
 * One backend: the key that names it ({@code /services/website/nginx@1}, or the address itself for a
 * static backend) and where it listens, resolved once when the backend is learnt, not per request.
 */
public record Backend(String key, HostPort address, InetSocketAddress socketAddress) {

    /** A backend at {@code address}, resolving the address now. */
    public static Backend of(String key, HostPort address) {
        return new Backend(key, address, address.toSocketAddress());
    }

    @Override
    public String toString() {
        return key.equals(address.toString()) ? key : key + " (" + address + ")";
    }
}
