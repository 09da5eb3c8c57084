package io.gantry.proxy.forward;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * A backend response's head, whichever protocol the backend spoke: what the proxy needs to know, and
 * the head's bytes ready for an HTTP/1.1 client, i.e. an {@code HTTP/1.1} status line and the
 * end-to-end header lines as the backend sent them, hop-by-hop ones left out, without the blank line
 * that ends the head (the client's adapter appends its own framing and Connection lines first). An
 * HTTP/2 client's adapter reads the same lines as fields ({@link #forEachField}).
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

    /**
     * Passes each header line to {@code field} as name and value (the value without the spaces around
     * it), read straight from the head's bytes: for an HTTP/2 client, which gets them as fields.
     */
    public void forEachField(FieldVisitor field) {
        ByteBuf b = content();
        int end = b.writerIndex();
        int at = b.indexOf(b.readerIndex(), end, (byte) '\n') + 1; // past the status line
        while (at > 0 && at < end) {
            int eol = b.indexOf(at, end, (byte) '\n');
            int lineEnd = eol < 0 ? end : eol;
            if (lineEnd > at && b.getByte(lineEnd - 1) == '\r') {
                lineEnd--;
            }
            int colon = b.indexOf(at, lineEnd, (byte) ':');
            if (colon > at) {
                int vs = colon + 1;
                int ve = lineEnd;
                while (vs < ve && isSpace(b.getByte(vs))) {
                    vs++;
                }
                while (ve > vs && isSpace(b.getByte(ve - 1))) {
                    ve--;
                }
                field.accept(b, at, colon, vs, ve);
            }
            at = eol < 0 ? end : eol + 1;
        }
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\t';
    }

    /** Receives one header field of a head as positions in its bytes. */
    @FunctionalInterface
    public interface FieldVisitor {
        /** The name is {@code bytes[nameStart, nameEnd)}, the value {@code bytes[valueStart, valueEnd)}. */
        void accept(ByteBuf bytes, int nameStart, int nameEnd, int valueStart, int valueEnd);
    }
}
