package io.gantry.proxy.forward;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * A backend response's head as {@link ResponseReader} passes it on: what the proxy needs to know, and
 * the head's bytes ready for the client, i.e. an {@code HTTP/1.1} status line and the end-to-end header
 * lines exactly as the backend sent them, hop-by-hop ones left out, without the blank line that ends
 * the head (the proxy appends its own framing and Connection lines first).
 */
final class ResponseHead extends DefaultByteBufHolder {

    /** How the body that follows this head ends. */
    enum Framing {
        /** There is none: HEAD, 1xx, 204, 304. */
        NONE,
        /** Content-Length bytes. */
        LENGTH,
        /** Chunked transfer coding. */
        CHUNKED,
        /** When the backend closes the connection. */
        CLOSE
    }

    private final int status;
    private final boolean keepAlive;
    private final Framing framing;
    private final String upgrade;

    ResponseHead(int status, boolean keepAlive, Framing framing, String upgrade, ByteBuf lines) {
        super(lines);
        this.status = status;
        this.keepAlive = keepAlive;
        this.framing = framing;
        this.upgrade = upgrade;
    }

    int status() {
        return status;
    }

    /** Whether the backend keeps its connection open after this response. */
    boolean keepAlive() {
        return keepAlive;
    }

    Framing framing() {
        return framing;
    }

    /** The Upgrade header's value, or null. */
    String upgrade() {
        return upgrade;
    }

    /** Whether a final response follows this one (1xx other than 101). */
    boolean informational() {
        return status / 100 == 1 && status != 101;
    }
}
