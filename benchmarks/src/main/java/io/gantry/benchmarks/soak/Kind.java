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
    H2_UPLOAD_64KIB("h2-upload-64KiB", 1, true),
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
