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
 * @param maxEmptyDataFrames DATA frames without data and without END_STREAM a client may send in a
 *     row before its connection is closed (CVE-2019-9518)
 * @param maxSmallContinuationFrames CONTINUATION frames of less than 16 KiB that may follow one
 *     HEADERS before the connection is closed (CVE-2024-27316, CVE-2024-28182)
 * @param maxQueuedControlFrames control frames (PING and SETTINGS acknowledgements, RST_STREAM) the
 *     proxy may have queued for a client that does not read them before the connection is closed
 *     (CVE-2019-9512, CVE-2019-9515)
 */
public record Http2Options(boolean cleartext, int maxConcurrentStreams, int maxHeaderListSize, int maxResetsPerWindow,
        int resetWindowSeconds, int maxEmptyDataFrames, int maxSmallContinuationFrames, int maxQueuedControlFrames) {

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
        atLeastOne("h2-max-empty-data-frames", maxEmptyDataFrames);
        atLeastOne("h2-max-small-continuation-frames", maxSmallContinuationFrames);
        atLeastOne("h2-max-queued-control-frames", maxQueuedControlFrames);
    }

    private static void atLeastOne(String flag, int value) {
        if (value < 1) {
            throw new IllegalArgumentException("--" + flag + " must be at least 1, got " + value);
        }
    }
}
