package io.gantry.proxy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.common.HostPort;
import io.gantry.proxy.ProxyConfig;
import io.gantry.proxy.ProxyMetrics;
import io.gantry.proxy.backend.BackendGroup;
import io.gantry.proxy.forward.ForwardingContext;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The client-facing pipeline, driven byte by byte on an EmbeddedChannel (no backend is reachable here). */
class FrontendPipelineTest {

    private final ProxyMetrics metrics = new ProxyMetrics();

    private EmbeddedChannel channel() {
        ProxyConfig config = ProxyConfig.builder().backends(List.of(HostPort.parse("127.0.0.1:9"))).build();
        ForwardingContext context = new ForwardingContext(config, new BackendGroup(), metrics,
                new Bootstrap().channel(NioSocketChannel.class));
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.config().setAutoRead(false);
        ch.pipeline().addLast(new FrontendInitializer(context, new DefaultChannelGroup(GlobalEventExecutor.INSTANCE)));
        ch.pipeline().fireChannelActive();
        return ch;
    }

    /** Writes {@code bytes} in as a client would and returns what the pipeline wrote back. */
    static String send(EmbeddedChannel ch, String bytes) {
        ch.writeInbound(Unpooled.copiedBuffer(bytes, StandardCharsets.ISO_8859_1));
        ch.runPendingTasks();
        StringBuilder out = new StringBuilder();
        for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
            out.append(b.toString(StandardCharsets.ISO_8859_1));
            b.release();
        }
        return out.toString();
    }

    @Test
    void headRequestGetsTheErrorPagesHeadWithoutItsBody() {
        EmbeddedChannel ch = channel();
        String out = send(ch, "HEAD / HTTP/1.1\r\nHost: a\r\n\r\n");
        assertTrue(out.startsWith("HTTP/1.1 503 Service Unavailable\r\n"), out);
        assertTrue(out.toLowerCase().contains("content-length: "), out);
        assertTrue(out.endsWith("\r\n\r\n"), out);
        String next = send(ch, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        assertTrue(next.startsWith("HTTP/1.1 503 Service Unavailable\r\n") && next.contains("No backend is available"), next);
    }

    @Test
    void emptyBackendSetAnswers503AndKeepsTheConnection() {
        EmbeddedChannel ch = channel();
        String out = send(ch, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        assertTrue(out.startsWith("HTTP/1.1 503 Service Unavailable\r\n"), out);
        assertTrue(out.contains("No backend is available"), out);
        assertTrue(ch.isOpen());
        assertEquals(1, metrics.responses(5));
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderOneAfterTheOther() {
        EmbeddedChannel ch = channel();
        String out = send(ch, "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n");
        assertEquals(2, out.split("HTTP/1.1 503", -1).length - 1, out);
        assertTrue(ch.isOpen());
    }

    @Test
    void keepAliveConnectionServesTheNextRequestAfterA503() {
        EmbeddedChannel ch = channel();
        assertTrue(send(ch, "GET /1 HTTP/1.1\r\nHost: a\r\n\r\n").startsWith("HTTP/1.1 503"));
        String second = send(ch, "GET /2 HTTP/1.1\r\nHost: a\r\n\r\n");
        assertTrue(second.startsWith("HTTP/1.1 503"), "second request answered: " + second);
    }

    @Test
    void requestWithUnreadBodyGetsItsAnswerAndTheConnectionCloses() {
        EmbeddedChannel ch = channel();
        String out = send(ch, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n01234");
        assertTrue(out.startsWith("HTTP/1.1 503"), out);
        assertTrue(out.contains("connection: close"), out);
        assertFalse(ch.isOpen());
    }

    @Test
    void http11RequestWithoutHostIs400() {
        EmbeddedChannel ch = channel();
        String out = send(ch, "GET / HTTP/1.1\r\n\r\n");
        assertTrue(out.startsWith("HTTP/1.1 400 Bad Request"), out);
        assertTrue(out.contains("Host header"), out);
    }

    @Test
    void garbageIs400AndCloses() {
        EmbeddedChannel ch = channel();
        String out = send(ch, "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: x\r\n\r\n");
        assertTrue(out.startsWith("HTTP/1.1 400 Bad Request"), out);
        assertFalse(ch.isOpen());
    }

    @Test
    void http10WithoutKeepAliveIsClosedAfterTheAnswer() {
        EmbeddedChannel ch = channel();
        String out = send(ch, "GET / HTTP/1.0\r\n\r\n");
        assertTrue(out.startsWith("HTTP/1.1 503"), out);
        assertFalse(ch.isOpen());
    }
}
