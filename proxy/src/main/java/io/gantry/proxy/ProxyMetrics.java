package io.gantry.proxy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The proxy's counters and gauges, written from every event loop without contention
 * ({@link LongAdder}) and read by the admin endpoints.
 */
public final class ProxyMetrics {

    private final LongAdder[] responsesByClass = new LongAdder[6];
    private final LongAdder backendErrors = new LongAdder();
    private final LongAdder connectionsOpened = new LongAdder();
    private final LongAdder connectionsActive = new LongAdder();
    private final LongAdder pooledIdle = new LongAdder();
    private final LongAdder connectionsRefused = new LongAdder();
    private final LongAdder certificatesRefused = new LongAdder();
    private final LongAdder accessLogDropped = new LongAdder();
    private final LongAdder http2Connections = new LongAdder();
    private final LongAdder http2Streams = new LongAdder();
    private volatile String sourceState = "starting";
    /** TLS handshakes on the HTTPS listener by result. */
    public static final List<String> TLS_RESULTS = List.of("ok", "failed", "timeout", "plaintext");
    /** The kinds of {@link #clientTimedOut}. */
    public static final List<String> CLIENT_TIMEOUTS = List.of("header", "body", "send");
    private final Map<String, LongAdder> clientTimeouts = CLIENT_TIMEOUTS.stream()
            .collect(java.util.stream.Collectors.toUnmodifiableMap(r -> r, r -> new LongAdder()));
    private final Map<String, LongAdder> tlsHandshakes = TLS_RESULTS.stream()
            .collect(java.util.stream.Collectors.toUnmodifiableMap(r -> r, r -> new LongAdder()));

    public ProxyMetrics() {
        for (int i = 0; i < responsesByClass.length; i++) {
            responsesByClass[i] = new LongAdder();
        }
    }

    /** Counts a response sent to a client, by status class (1xx to 5xx). */
    public void response(int status) {
        int cls = status / 100;
        responsesByClass[cls >= 1 && cls <= 5 ? cls : 0].increment();
    }

    /** Counts a client connection that speaks HTTP/2 (ALPN h2, or prior knowledge with --h2c). */
    public void http2Connection() {
        http2Connections.increment();
    }

    /** Counts a request stream an HTTP/2 client opened. */
    public void http2Stream() {
        http2Streams.increment();
    }

    public long http2Connections() {
        return http2Connections.sum();
    }

    public long http2Streams() {
        return http2Streams.sum();
    }

    /** Counts a failed attempt to use a backend (connect failure, reset, timeout). */
    public void backendError() {
        backendErrors.increment();
    }

    public void connectionOpened() {
        connectionsOpened.increment();
        connectionsActive.increment();
    }

    /** Counts a connection closed on arrival because of the connection cap. */
    public void connectionRefused() {
        connectionsRefused.increment();
    }

    public long connectionsRefused() {
        return connectionsRefused.sum();
    }

    public void connectionClosed() {
        connectionsActive.decrement();
    }

    /**
     * Counts a client given up on: a request head ({@code header}) or body ({@code body}) that stopped
     * arriving, a response it took none of ({@code send}).
     */
    public void clientTimedOut(String kind) {
        clientTimeouts.get(kind).increment();
    }

    public long clientTimeouts(String kind) {
        return clientTimeouts.get(kind).sum();
    }

    /** Counts a TLS handshake on the HTTPS listener: {@code ok}, {@code failed}, {@code timeout}, {@code plaintext}. */
    public void tlsHandshake(String result) {
        tlsHandshakes.get(result).increment();
    }

    /** Counts a certificate (a renewal, a new file, an etcd value) refused as broken or mismatched. */
    public void certificateRefused() {
        certificatesRefused.increment();
    }

    public long certificatesRefused() {
        return certificatesRefused.sum();
    }

    public long tlsHandshakes(String result) {
        return tlsHandshakes.get(result).sum();
    }

    /** The counter of access log lines dropped: the writer fell behind (its queue was full) or could not write. */
    public LongAdder accessLogDropped() {
        return accessLogDropped;
    }

    public long accessLogLinesDropped() {
        return accessLogDropped.sum();
    }

    /** The gauge of idle pooled backend connections, shared by every pool. */
    public LongAdder pooledIdle() {
        return pooledIdle;
    }

    /** Responses of status class {@code cls} (1 to 5) so far. */
    public long responses(int cls) {
        return responsesByClass[cls].sum();
    }

    public long backendErrors() {
        return backendErrors.sum();
    }

    public long connectionsOpened() {
        return connectionsOpened.sum();
    }

    public long connectionsActive() {
        return connectionsActive.sum();
    }

    public long pooledIdleConnections() {
        return pooledIdle.sum();
    }

    /** What the backend source is doing: {@code starting}, {@code watching}, {@code disconnected}, {@code static}. */
    public String sourceState() {
        return sourceState;
    }

    public void sourceState(String state) {
        sourceState = state;
    }
}
