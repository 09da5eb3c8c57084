package io.gantry.proxy.tls;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.Mapping;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The first handler of an HTTPS connection: it looks at the first bytes. A TLS record makes way for
 * an {@link SniHandler}, which picks the certificate by the name the client asks for; plain HTTP gets
 * nginx's answer, a 400 saying so, and the connection closes; anything else just closes.
 */
public final class TlsOrPlaintext extends ByteToMessageDecoder {

    /** The name the SNI handler, then the SSL handler, takes in the pipeline. */
    public static final String NAME = "tls";

    private static final String PLAIN_HTTP_BODY = "The plain HTTP request was sent to HTTPS port. Use https.\n";
    private static final byte[] PLAIN_HTTP_ANSWER = ("HTTP/1.1 400 Bad Request\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n"
            + "Content-Length: " + PLAIN_HTTP_BODY.length() + "\r\n"
            + "Connection: close\r\n\r\n"
            + PLAIN_HTTP_BODY).getBytes(StandardCharsets.US_ASCII);

    /**
     * Passed down the pipeline once the plain HTTP answer is on its way: {@link TlsHandshakeWatch}
     * counts it, the access log logs it (nginx logs these 400s too); the request line is not read,
     * only the answer's status and body size are known.
     */
    public record PlainHttpAnswered(int status, int bodyBytes) {
    }

    /** The one {@link PlainHttpAnswered} there is. */
    public static final PlainHttpAnswered PLAIN_HTTP_ANSWERED = new PlainHttpAnswered(400, PLAIN_HTTP_BODY.length());

    private final Mapping<String, SslContext> certificates;

    public TlsOrPlaintext(Mapping<String, SslContext> certificates) {
        this.certificates = certificates;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < 5) { // a TLS record header
            return;
        }
        if (SslHandler.isEncrypted(in, false)) {
            ctx.pipeline().replace(this, NAME, new SniHandler(certificates, 16 * 1024, 0) { // TlsHandshakeWatch times the handshake
                @Override
                protected SslHandler newSslHandler(SslContext context, io.netty.buffer.ByteBufAllocator allocator) {
                    SslHandler handler = super.newSslHandler(context, allocator);
                    handler.setHandshakeTimeoutMillis(0); // likewise
                    return handler;
                }
            });
            return; // the bytes read so far pass on to the SNI handler as this one leaves
        }
        boolean http = Character.isLetter(in.getByte(in.readerIndex())); // a method's first letter
        in.skipBytes(in.readableBytes());
        ctx.pipeline().fireUserEventTriggered(http ? PLAIN_HTTP_ANSWERED : TlsHandshakeWatch.NOT_TLS);
        if (http) {
            ctx.writeAndFlush(Unpooled.wrappedBuffer(PLAIN_HTTP_ANSWER)).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.close();
        }
    }
}
