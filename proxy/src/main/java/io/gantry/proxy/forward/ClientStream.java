package io.gantry.proxy.forward;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * The client side of one {@link Exchange}: an HTTP/1.1 connection, or one stream of an HTTP/2 one. The
 * exchange decides what happens; the stream knows its protocol's wire rules (framing, Connection lines,
 * END_STREAM, RST_STREAM) and writes. Every call comes on the stream's event loop.
 */
public interface ClientStream {

    /** The backend connections of this stream's event loop, where its exchanges' attempts are made. */
    BackendConnections backendConnections();

    /** The client's IP address. */
    String clientAddress();

    /** Whether the client reached the proxy over TLS. */
    boolean secure();

    /** The negotiated TLS version ({@code TLSv1.3}), or null for cleartext: for the access log. */
    String tlsProtocol();

    /**
     * Whether a chunked response body may come with its chunk framing, written through as the
     * backend sent it; otherwise the exchange delivers plain data.
     */
    boolean takesChunkFraming();

    /** Whether this protocol can switch to another (HTTP/1.1 Upgrade); HTTP/2 cannot. */
    boolean canUpgrade();

    /** Asks for the next piece of the request body, delivered to {@link Exchange#onRequestBody}. */
    void readRequestBody();

    /** Passes a response head on (an informational one, or the final one). */
    void writeHead(Exchange exchange, ResponseHead head);

    /** Passes a piece of the response body on; it is released when written. */
    void writeBody(ByteBuf piece);

    /**
     * The response ended; {@code trailers} are its trailer fields (empty or null for none, or already
     * among the body bytes when they were chunk framed). The exchange is over.
     */
    void writeEnd(Exchange exchange, HttpHeaders trailers);

    /**
     * Answers with the proxy's own response; the exchange is over.
     *
     * @param close the client's connection must close after it (the request stream is unreadable)
     */
    void respond(Exchange exchange, FullHttpResponse response, boolean close);

    /** A response already begun cannot be finished: cut it off (close the connection, reset the stream). */
    void cutOff(Exchange exchange);

    /**
     * Turns the client connection and {@code backend} into a byte tunnel (after a 101). Only asked of a
     * stream that {@link #canUpgrade}.
     */
    void startTunnel(Exchange exchange, ResponseHead head, Channel backend);

    /** Whether the client can take more now; when it cannot, the exchange stops reading the backend. */
    boolean isWritable();

    /** Flushes what was written. */
    void flush();
}
