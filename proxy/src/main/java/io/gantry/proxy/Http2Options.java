package io.gantry.proxy;

/**
 * How the proxy speaks HTTP/2 to clients, immutable. Over TLS it is offered by ALPN
 * ({@link io.gantry.proxy.tls.TlsSettings#applicationProtocols}); in cleartext only with prior knowledge, and
 * only when asked ({@code --h2c}): browsers never use it, gRPC clients and other proxies do.
 *
 * @param cleartext the cleartext listener takes HTTP/2 with prior knowledge beside HTTP/1.1
 * @param maxConcurrentStreams streams a client may have open at once on one connection (SETTINGS_MAX_CONCURRENT_STREAMS)
 * @param maxHeaderListSize the largest header list a client may send, decoded (SETTINGS_MAX_HEADER_LIST_SIZE)
 * @param maxResetsPerWindow streams a client may reset within {@code resetWindowSeconds} before the
 *     connection is closed (CVE-2023-44487, rapid reset)
 * @param resetWindowSeconds the window for {@code maxResetsPerWindow}
 */
public record Http2Options(boolean cleartext, int maxConcurrentStreams, int maxHeaderListSize, int maxResetsPerWindow,
        int resetWindowSeconds) {

    public Http2Options {
        if (maxConcurrentStreams < 1) {
            throw new IllegalArgumentException("--h2-max-concurrent-streams must be at least 1, got " + maxConcurrentStreams);
        }
        if (maxHeaderListSize < 1024) {
            throw new IllegalArgumentException("--h2-max-header-list-size must be at least 1024, got " + maxHeaderListSize);
        }
        if (maxResetsPerWindow < 1 || resetWindowSeconds < 1) {
            throw new IllegalArgumentException("--h2-max-resets must be at least 1 per at least 1 second");
        }
    }
}
