package io.gantry.proxy.forward;

import io.netty.handler.codec.http.HttpMethod;

/**
 * What follows a failed attempt, before any response byte reached the client: a pure function of what
 * the attempt had done, so every rule is tested without sockets. A request is tried again only when
 * nothing unrepeatable reached the backend: no body byte, and no head of a request that is not
 * idempotent (RFC 9110 §9.2.2). A pooled connection the backend had already closed (the keep-alive
 * race) is not the backend's fault and not a try: the request goes again on a new connection. The same
 * holds for a request an HTTP/2 backend says it never processed (REFUSED_STREAM, or a stream past its
 * GOAWAY's last id, RFC 9113 §8.7): what was written of its head did not count.
 */
public final class RetryPolicy {

    /** What to do next. */
    public enum Decision {
        /** Try again, on a new connection, without counting a try. */
        AGAIN_ON_NEW_CONNECTION,
        /** Try the next backend, if the tries and the backends allow ({@link #mayTryAnother}). */
        NEXT_BACKEND,
        /** Answer 502: the request may have had effects. */
        GIVE_UP
    }

    /**
     * What a failed attempt had done.
     *
     * @param pooledConnection it used a pooled keep-alive connection
     * @param newConnectionsOnly the exchange already went again on a new connection once
     * @param headSent the request head reached the backend's socket
     * @param bodySent body bytes reached the backend's socket, or were written to it
     * @param idempotent the method may be repeated (GET, HEAD, OPTIONS, PUT, DELETE, TRACE)
     * @param unprocessed the backend said it did not process the request
     */
    public record Failure(boolean pooledConnection, boolean newConnectionsOnly, boolean headSent, boolean bodySent,
            boolean idempotent, boolean unprocessed) {

        /** Not the backend's fault: the keep-alive race, or a request it declined unseen. */
        public boolean notTheBackendsFault() {
            return pooledConnection || unprocessed;
        }
    }

    private RetryPolicy() {
    }

    public static Decision afterFailure(Failure f) {
        if (f.bodySent() || (f.headSent() && !f.unprocessed() && !f.idempotent())) {
            return Decision.GIVE_UP;
        }
        if (f.notTheBackendsFault() && !f.newConnectionsOnly()) {
            return Decision.AGAIN_ON_NEW_CONNECTION;
        }
        return Decision.NEXT_BACKEND;
    }

    /** Whether one more backend may be tried after {@code attempts} tries, with {@code backends} to choose from. */
    public static boolean mayTryAnother(int attempts, int tries, int backends) {
        return attempts < Math.min(tries, backends);
    }

    public static boolean isIdempotent(HttpMethod m) {
        return m == HttpMethod.GET || m == HttpMethod.HEAD || m == HttpMethod.OPTIONS || m == HttpMethod.PUT
                || m == HttpMethod.DELETE || m == HttpMethod.TRACE;
    }
}
