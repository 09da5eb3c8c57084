package io.gantry.proxy.backend;

import io.gantry.common.HostPort;
import java.net.InetSocketAddress;

/**
 * One backend: the key that names it ({@code /services/website/nginx@1}, or the address itself for a
 * static backend), where it listens, resolved once when the backend is learnt, not per request, and
 * whether it is reached over TLS (then its host name is also the name its certificate must carry), and
 * the protocol it speaks.
 */
public record Backend(String key, HostPort address, InetSocketAddress socketAddress, boolean tls, BackendProtocol protocol) {

    /** A cleartext backend at {@code address}, resolving the address now. */
    public static Backend of(String key, HostPort address) {
        return of(key, address, false);
    }

    /** A backend at {@code address}, reached over TLS when {@code tls}, resolving the address now. */
    public static Backend of(String key, HostPort address, boolean tls) {
        return of(key, address, tls, BackendProtocol.HTTP_1_1);
    }

    /** A backend at {@code address} speaking {@code protocol}, resolving the address now. */
    public static Backend of(String key, HostPort address, boolean tls, BackendProtocol protocol) {
        return new Backend(key, address, address.toSocketAddress(), tls, protocol);
    }

    @Override
    public String toString() {
        String where = address + (protocol.http2() ? " (" + protocol.text() + ")" : tls ? " over TLS" : "");
        return key.equals(address.toString()) ? where : key + " (" + where + ")";
    }
}
