package io.gantry.proxy.backend;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The protocol the proxy speaks to a backend: {@code "protocol"} in its etcd value, {@code --backend-protocol} for a static list. */
public enum BackendProtocol {
    /** HTTP/1.1 on pooled keep-alive connections, cleartext or TLS (the default). */
    HTTP_1_1("http/1.1"),
    /** HTTP/2 in cleartext with prior knowledge: one multiplexed connection per backend per event loop. */
    H2C("h2c"),
    /** HTTP/2 over TLS, negotiated by ALPN. */
    H2("h2");

    private final String text;

    BackendProtocol(String text) {
        this.text = text;
    }

    /** The name in values and flags: {@code http/1.1}, {@code h2c}, {@code h2}. */
    public String text() {
        return text;
    }

    public boolean http2() {
        return this != HTTP_1_1;
    }

    /** @throws IllegalArgumentException naming the known ones */
    public static BackendProtocol named(String name) {
        for (BackendProtocol p : values()) {
            if (p.text.equalsIgnoreCase(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown protocol '" + name + "' (known: "
                + Arrays.stream(values()).map(BackendProtocol::text).collect(Collectors.joining(", ")) + ")");
    }
}
