package io.gantry.proxy.forward;

import io.gantry.proxy.backend.Backend;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpContent;

/**
 * One try of an {@link Exchange} on one backend, over the protocol the backend speaks: a pooled
 * HTTP/1.1 connection, or a stream on a multiplexed HTTP/2 one. It reports to its exchange (ready,
 * response head, body, end, failure, timeout); the exchange tells it what to send. Released once,
 * after which it sends nothing and reports nothing.
 */
public abstract class Attempt {

    protected final Exchange exchange;
    protected final Backend backend;
    private boolean reused;
    private boolean released;

    protected Attempt(Exchange exchange, Backend backend) {
        this.exchange = exchange;
        this.backend = backend;
    }

    /** Takes a connection or stream; reports {@link Exchange#attemptReady} or {@link Exchange#attemptFailed}, perhaps at once. */
    public abstract void start();

    /** Sends the request head, rewritten for the backend. */
    public abstract void sendHead();

    /** Sends a piece of the request body, framed for the backend, and flushes it; the piece is released. */
    public abstract void sendBody(HttpContent piece);

    /** Flushes what was sent. */
    public abstract void flush();

    /** Whether the head reached the backend's socket: until then the request is known to be unsent. */
    public abstract boolean headSent();

    /** Whether the backend can take more of the body now. */
    public abstract boolean isWritable();

    /** Stops reading the response while the client cannot take more. */
    public abstract void pauseResponse();

    /** Reads the response again. */
    public abstract void resumeResponse();

    /** Hands the connection over for a tunnel (after a 101); the attempt is over. */
    public abstract Channel detachForTunnel();

    /**
     * Ends the attempt: its connection goes back to the pool when {@code reusable}, else it is closed
     * (or its stream reset). An attempt still connecting closes its connection when it comes.
     */
    public final void release(boolean reusable) {
        if (!released) {
            released = true;
            onRelease(reusable);
        }
    }

    protected abstract void onRelease(boolean reusable);

    public final boolean released() {
        return released;
    }

    public final Backend backend() {
        return backend;
    }

    /** Whether the backend said it did not process the request (HTTP/2's REFUSED_STREAM or GOAWAY). */
    public boolean unprocessed() {
        return false;
    }

    /** Whether it used a pooled keep-alive connection. */
    public final boolean reused() {
        return reused;
    }

    protected final void reused(boolean reused) {
        this.reused = reused;
    }
}
