package io.gantry.proxy.forward;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;

/**
 * A backend response's head, whichever protocol the backend spoke: what the proxy needs to know, and
 * the head's bytes ready for an HTTP/1.1 client, i.e. an {@code HTTP/1.1} status line and the
 * end-to-end header lines as the backend sent them, hop-by-hop ones left out, without the blank line
 * that ends the head (the client's adapter appends its own framing and Connection lines first). An
 * HTTP/2 client's adapter reads the same lines as fields ({@link #fields}).
 */
public final class ResponseHead extends DefaultByteBufHolder {

    /** How the body that follows this head ends. */
    public enum Framing {
        /** There is none: HEAD, 1xx, 204, 304. */
        NONE,
        /** Content-Length bytes. */
        LENGTH,
        /** Chunked transfer coding, or, from an HTTP/2 backend, END_STREAM with no length given. */
        CHUNKED,
        /** When the backend closes the connection. */
        CLOSE
    }

    private final int status;
    private final boolean keepAlive;
    private final Framing framing;
    private final String upgrade;
    private final boolean chunkFramed;

    /**
     * @param keepAlive the backend keeps its connection open after this response
     * @param upgrade the Upgrade header's value, or null
     * @param lines the status line and end-to-end header lines, each ended by CRLF
     * @param chunkFramed a chunked body follows with its chunk framing, as an HTTP/1.1 backend sent it;
     *     otherwise body pieces are plain data
     */
    public ResponseHead(int status, boolean keepAlive, Framing framing, String upgrade, ByteBuf lines, boolean chunkFramed) {
        super(lines);
        this.status = status;
        this.keepAlive = keepAlive;
        this.framing = framing;
        this.upgrade = upgrade;
        this.chunkFramed = chunkFramed;
    }

    public int status() {
        return status;
    }

    /** Whether the backend keeps its connection open after this response. */
    public boolean keepAlive() {
        return keepAlive;
    }

    public Framing framing() {
        return framing;
    }

    /** The Upgrade header's value, or null. */
    public String upgrade() {
        return upgrade;
    }

    /** Whether the chunked body that follows keeps its chunk framing (the HTTP/1.1 fast path). */
    public boolean chunkFramed() {
        return chunkFramed;
    }

    /** Whether a final response follows this one (1xx other than 101). */
    public boolean informational() {
        return status / 100 == 1 && status != 101;
    }

    /** The header lines read back as fields, names as sent (for an HTTP/2 client, which lower-cases them). */
    public HttpHeaders fields() {
        ByteBuf b = content();
        String text = b.toString(b.readerIndex(), b.readableBytes(), StandardCharsets.ISO_8859_1);
        HttpHeaders fields = new DefaultHttpHeaders(false);
        int at = text.indexOf("\r\n") + 2; // past the status line
        while (at < text.length()) {
            int end = text.indexOf("\r\n", at);
            if (end < 0) {
                end = text.length();
            }
            int colon = text.indexOf(':', at);
            if (colon > at && colon < end) {
                fields.add(text.substring(at, colon), text.substring(colon + 1, end).strip());
            }
            at = end + 2;
        }
        return fields;
    }
}
