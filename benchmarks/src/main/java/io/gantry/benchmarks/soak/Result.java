package io.gantry.benchmarks.soak;

/**
 * What one exchange of the soak came to: a request and its response, or a whole WebSocket session.
 *
 * @param startMs when it started, epoch milliseconds (the chaos log's clock)
 * @param endMs when it ended or failed
 * @param backend the nginx that answered (its X-Backend header, or the WebSocket's first message), null
 *     when no backend's answer arrived: a failure before any response, or an answer of the proxy's own (502)
 * @param began whether a backend's response had begun (its head, or the 101 of a WebSocket) when it failed
 * @param timeout whether it failed by waiting too long (a hang), not by an error
 * @param error null when it succeeded; otherwise what went wrong, for a person
 */
record Result(long startMs, long endMs, String backend, boolean began, boolean timeout, String error) {

    static Result ok(long startMs, String backend) {
        return new Result(startMs, System.currentTimeMillis(), backend, true, false, null);
    }

    boolean failed() {
        return error != null;
    }
}
