package io.gantry.proxy.forward.h1;

import io.gantry.proxy.forward.IntermediaryRules;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequestDecoder;

/**
 * Netty's request decoder, reading the request line's protocol version as RFC 9112 §2.3 writes it:
 * {@code HTTP/} DIGIT {@code .} DIGIT, case-sensitive. Netty reads {@code http/1.1} as HTTP/1.1, and
 * the case is gone by the time the request is decoded, so the version is checked here, as it came; a
 * request whose version is not one fails to decode (400, and the connection closes).
 */
public final class RequestDecoder extends HttpRequestDecoder {

    public RequestDecoder(HttpDecoderConfig config) {
        super(config);
    }

    @Override
    protected HttpMessage createMessage(String[] initialLine) throws Exception {
        if (!IntermediaryRules.validVersion(initialLine[2])) {
            throw new IllegalArgumentException("not an HTTP version: " + initialLine[2]);
        }
        return super.createMessage(initialLine);
    }
}
