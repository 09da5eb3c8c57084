package io.gantry.proxy.forward;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Duration;

/**
 * The two clocks that run while an exchange waits on its client, nginx's {@code client_body_timeout}
 * and {@code send_timeout}. The body clock runs from when the exchange asks for the next piece of the
 * request body until it arrives; the send clock runs while the client's channel is not writable,
 * and restarts whenever the client took some of what was written ({@link #written} counts it), so
 * only a client that takes nothing for the whole timeout is given up on. What the clock can see move
 * is the channel's own buffer: the kernel's send buffer takes from it again only once about half of
 * it drained, so, as with nginx's {@code send_timeout}, a client has to take that much (up to a few
 * MiB on a fast link) within the timeout to be seen taking anything. When the proxy itself is the one waiting (on a backend), neither
 * runs. One per client stream (an HTTP/1.1 connection, an HTTP/2 stream), reused by its exchanges;
 * owned by the stream's event loop. Each clock schedules a wake-up only once it first runs.
 */
public final class ExchangeTimeouts {

    /** What the stream does when a clock runs out. */
    public interface Expiry {
        /** The request body stopped arriving: answer 408, or cut off a response already begun. */
        void bodyTimedOut();

        /** The client took none of the response for the send timeout: drop it. */
        void sendTimedOut();
    }

    /** The answer to a request whose body stopped arriving. */
    public static final RequestValidator.Rejection BODY_TIMED_OUT = new RequestValidator.Rejection(
            HttpResponseStatus.REQUEST_TIMEOUT, "The request body stopped arriving.", true);

    private final Channel channel;
    private final long bodyNanos;
    private final long sendNanos;
    private final Expiry expiry;
    private Deadline body;
    private Deadline send;
    /** Bytes written to the client's channel, as the stream reported them. */
    private long written;
    /** How far the client had taken them when the send clock last (re)started. */
    private long takenMark;

    /** @param channel the stream's channel, whose writability the send clock follows */
    public ExchangeTimeouts(Channel channel, Duration bodyTimeout, Duration sendTimeout, Expiry expiry) {
        this.channel = channel;
        this.bodyNanos = bodyTimeout.toNanos();
        this.sendNanos = sendTimeout.toNanos();
        this.expiry = expiry;
    }

    /** The exchange asked for the next piece of the request body. */
    public void awaitingBody() {
        if (body == null) {
            body = new Deadline(channel.eventLoop(), bodyNanos, expiry::bodyTimedOut);
        }
        body.start(bodyNanos);
    }

    /** A piece of the request body arrived. */
    public void bodyArrived() {
        if (body != null) {
            body.stop();
        }
    }

    /** {@code bytes} more were written to the client's channel. */
    public void written(long bytes) {
        written += bytes;
    }

    /**
     * How much of what was written the client has taken, up to a constant: what waits in the channel
     * grows with every write and shrinks only as the client reads, so this grows only as it reads.
     */
    private long taken() {
        return written - channel.bytesBeforeWritable();
    }

    /** The client's channel became writable, or not: the send clock follows. */
    public void writabilityChanged() {
        if (channel.isWritable()) {
            if (send != null) {
                send.stop();
            }
            return;
        }
        if (send == null) {
            send = new Deadline(channel.eventLoop(), sendNanos, this::sendClockRanOut);
        }
        takenMark = taken();
        send.start(sendNanos);
    }

    private void sendClockRanOut() {
        if (channel.isWritable()) {
            return;
        }
        long taken = taken();
        if (taken > takenMark) { // the client took some: a slow reader, not a stalled one
            takenMark = taken;
            send.start(sendNanos);
            return;
        }
        expiry.sendTimedOut();
    }

    /** The exchange ended: no clock runs until the next one asks. */
    public void exchangeEnded() {
        if (body != null) {
            body.stop();
        }
        if (send != null) {
            send.stop();
        }
    }

    /** The stream closed: the clocks stop for good. */
    public void cancel() {
        if (body != null) {
            body.cancel();
        }
        if (send != null) {
            send.cancel();
        }
    }
}
