package io.gantry.proxy.forward.h1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundInvoker;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.Iterator;
import java.util.Map;

/**
 * Frames a request body in chunked transfer coding for a backend, as the decoder took the client's
 * framing off: each piece becomes a chunk, and the end a last chunk with the client's trailer fields.
 */
final class ChunkedBody {

    /** What ends a chunk's data; shared, so each write takes a duplicate. */
    private static final ByteBuf CHUNK_END = Unpooled.unreleasableBuffer(
            Unpooled.directBuffer(2).writeShort(HeaderRewriter.CRLF)).asReadOnly();

    private ChunkedBody() {
    }

    /** Writes {@code piece} to {@code backend} as one chunk (nothing for an empty piece); it is released. */
    static void writeChunk(Channel backend, ByteBuf piece) {
        writeChunk(backend, backend.alloc(), piece);
    }

    /** The same, written through {@code ctx} (a response to an HTTP/1.1 client, from an HTTP/2 backend). */
    static void writeChunk(ChannelHandlerContext ctx, ByteBuf piece) {
        writeChunk(ctx, ctx.alloc(), piece);
    }

    private static void writeChunk(ChannelOutboundInvoker out, ByteBufAllocator alloc, ByteBuf piece) {
        int size = piece.readableBytes();
        if (size == 0) {
            piece.release();
            return;
        }
        ByteBuf head = alloc.buffer(10);
        ByteBufUtil.writeAscii(head, Integer.toHexString(size));
        head.writeShort(HeaderRewriter.CRLF);
        out.write(head, out.voidPromise());
        out.write(piece, out.voidPromise());
        out.write(CHUNK_END.duplicate(), out.voidPromise());
    }

    /** The last chunk, with the trailer fields of {@code last} (it is not released). */
    static ByteBuf lastChunk(ByteBufAllocator alloc, LastHttpContent last) {
        return lastChunk(alloc, last.trailingHeaders());
    }

    /** The last chunk, with {@code trailers} (null for none). */
    static ByteBuf lastChunk(ByteBufAllocator alloc, HttpHeaders trailers) {
        ByteBuf out = alloc.buffer(5);
        out.writeByte('0').writeShort(HeaderRewriter.CRLF);
        if (trailers != null) {
            for (Iterator<Map.Entry<CharSequence, CharSequence>> it = trailers.iteratorCharSequence(); it.hasNext(); ) {
                Map.Entry<CharSequence, CharSequence> e = it.next();
                HeaderRewriter.writeField(out, e.getKey(), e.getValue());
            }
        }
        return out.writeShort(HeaderRewriter.CRLF);
    }
}
