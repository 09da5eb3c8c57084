package io.gantry.proxy.forward.h1;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ChunkedBodyTest {

    private static String written(EmbeddedChannel ch) {
        StringBuilder s = new StringBuilder();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            s.append(b.toString(StandardCharsets.US_ASCII));
            b.release();
        }
        return s.toString();
    }

    @Test
    void eachPieceBecomesOneChunkAndEmptyPiecesNone() {
        EmbeddedChannel backend = new EmbeddedChannel();
        ChunkedBody.writeChunk(backend, Unpooled.copiedBuffer("hello, world", StandardCharsets.US_ASCII));
        ChunkedBody.writeChunk(backend, Unpooled.EMPTY_BUFFER);
        backend.flush();
        assertEquals("c\r\nhello, world\r\n", written(backend));
        backend.finishAndReleaseAll();
    }

    @Test
    void theLastChunkCarriesTheClientsTrailers() {
        LastHttpContent last = new DefaultLastHttpContent();
        last.trailingHeaders().add("X-Checksum", "abc");
        ByteBuf end = ChunkedBody.lastChunk(ByteBufAllocator.DEFAULT, last);
        assertEquals("0\r\nX-Checksum: abc\r\n\r\n", end.toString(StandardCharsets.US_ASCII));
        end.release();
        ByteBuf plain = ChunkedBody.lastChunk(ByteBufAllocator.DEFAULT, LastHttpContent.EMPTY_LAST_CONTENT);
        assertEquals("0\r\n\r\n", plain.toString(StandardCharsets.US_ASCII));
        plain.release();
    }
}
