package io.gantry.benchmarks.soak;

/** The kinds of traffic in the soak's mix, each with how many client threads run it in a loop. */
enum Kind {
    H1_KEEPALIVE_64B("h1-keepalive-64B", 2, false),
    H1_KEEPALIVE_64KIB("h1-keepalive-64KiB", 1, false),
    H1_CLOSE_64B("h1-close-64B", 1, false),
    H1_CLOSE_64KIB("h1-close-64KiB", 1, false),
    H1_UPLOAD_64KIB("h1-upload-64KiB", 1, true),
    HTTPS_H1_64KIB("https-h1-64KiB", 1, false),
    H2_64B("h2-64B", 2, false),
    H2_64KIB("h2-64KiB", 1, false),
    /**
     * 60 KiB, inside HTTP/2's default stream window (65,535 bytes): JDK 17's client, blocked on a full
     * window, reads no frame, so a stream the proxy answered early (a 502, then RST_STREAM NO_ERROR, as
     * RFC 9113 §8.1 allows) hung it (the bug openjdk/jdk#12694 fixed, JDK-8293786).
     */
    H2_UPLOAD_60KIB("h2-upload-60KiB", 1, true),
    WS("ws", 1, false),
    WSS("wss", 1, false);

    private final String label;
    private final int threads;
    private final boolean upload;

    Kind(String label, int threads, boolean upload) {
        this.label = label;
        this.threads = threads;
        this.upload = upload;
    }

    String label() {
        return label;
    }

    int threads() {
        return threads;
    }

    /** A POST with a body: the proxy must not retry it once the body was sent. */
    boolean upload() {
        return upload;
    }
}
