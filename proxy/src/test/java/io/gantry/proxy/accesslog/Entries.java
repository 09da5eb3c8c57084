package io.gantry.proxy.accesslog;

import io.gantry.common.HostPort;
import java.time.Instant;

/** Access log entries for the formatting tests. */
final class Entries {

    /** 2026-12-02T07:56:22.042Z, the moment of the nginx line the combined test reproduces. */
    static final long WHEN = Instant.parse("2026-12-02T07:56:22.042Z").toEpochMilli();

    private Entries() {
    }

    /** A GET answered 200 by a backend, with the given request target and headers (one char per byte). */
    static AccessLogEntry forwarded(String uri, String authorization, String referer, String userAgent) {
        return new AccessLogEntry(WHEN, "127.0.0.1", "GET", uri, "HTTP/1.1", authorization, 200, 0, 6, 1_234_567, 987_000,
                referer, userAgent, "static", "static", new HostPort("127.0.0.1", 8081), null, 0);
    }

    /** A 503 the proxy answered itself, over TLS. */
    static AccessLogEntry answeredByProxy() {
        return new AccessLogEntry(WHEN, "10.0.0.7", "POST", "/form", "HTTP/1.0", null, 503, 12, 157, 42_000, -1,
                null, "curl/8.0", "/services/website/", "website", null, "TLSv1.3", 1);
    }
}
