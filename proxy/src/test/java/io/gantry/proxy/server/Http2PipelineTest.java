package io.gantry.proxy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.common.HostPort;
import io.gantry.proxy.ProxyConfig;
import io.gantry.proxy.ProxyMetrics;
import io.gantry.proxy.backend.BackendGroup;
import io.gantry.proxy.forward.ForwardingContext;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The HTTP/2 client pipeline on EmbeddedChannels: a client's frame codec on one, the proxy's pipeline
 * ({@code --h2c}, prior knowledge) on the other, bytes moved between them by hand. No backend is
 * reachable here, so each stream is answered by the proxy itself.
 */
class Http2PipelineTest {

    private final EmbeddedChannel proxy = proxy();
    private final EmbeddedChannel client = new EmbeddedChannel(Http2FrameCodecBuilder.forClient().build(),
            new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));

    private static EmbeddedChannel proxy() {
        ProxyConfig config = ProxyConfig.builder().backends(List.of(HostPort.parse("127.0.0.1:9"))).h2c(true).build();
        ForwardingContext context = new ForwardingContext(config, new BackendGroup(), new ProxyMetrics(),
                new Bootstrap().channel(NioSocketChannel.class));
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.config().setAutoRead(false);
        ch.pipeline().addLast(new FrontendInitializer(context, new DefaultChannelGroup(GlobalEventExecutor.INSTANCE)));
        ch.pipeline().fireChannelActive();
        return ch;
    }

    /** What one stream got back: its status, body, and whether it ended. */
    private static final class Answer extends ChannelInboundHandlerAdapter {
        String status;
        final StringBuilder body = new StringBuilder();
        boolean ended;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2HeadersFrame h) {
                status = String.valueOf(h.headers().status());
                ended |= h.isEndStream();
            } else if (msg instanceof Http2DataFrame d) {
                body.append(d.content().toString(StandardCharsets.UTF_8));
                ended |= d.isEndStream();
            }
            ReferenceCountUtil.release(msg);
        }
    }

    /** Sends {@code headers} as a request without body on a new stream, and moves bytes until both sides are quiet. */
    private Answer request(Http2Headers headers) {
        Answer answer = new Answer();
        new Http2StreamChannelBootstrap(client).handler(answer).open().addListener(f -> {
            if (f.isSuccess()) {
                ((Channel) f.getNow()).writeAndFlush(new DefaultHttp2HeadersFrame(headers, true));
            }
        });
        exchangeBytes();
        return answer;
    }

    private void exchangeBytes() {
        for (int round = 0; round < 100; round++) {
            client.runPendingTasks();
            boolean moved = move(client, proxy);
            proxy.runPendingTasks();
            moved |= move(proxy, client);
            if (!moved) {
                return;
            }
        }
        throw new AssertionError("the two sides kept talking");
    }

    private static boolean move(EmbeddedChannel from, EmbeddedChannel to) {
        boolean moved = false;
        for (ByteBuf b; (b = from.readOutbound()) != null; ) {
            moved = true;
            to.writeInbound(b);
        }
        return moved;
    }

    private static Http2Headers get(String path) {
        return new DefaultHttp2Headers().method("GET").scheme("http").authority("example.com").path(path);
    }

    @Test
    void eachStreamIsAnsweredOnItsOwnAndTheConnectionStays() {
        Answer first = request(get("/"));
        assertEquals("503", first.status);
        assertTrue(first.ended && first.body.toString().contains("No backend is available"), first.body.toString());
        Answer second = request(get("/again"));
        assertEquals("503", second.status);
        assertTrue(second.ended);
        assertTrue(proxy.isActive() && client.isActive());
    }

    @Test
    void aRequestWithNeitherAuthorityNorHostIsRefusedWith400() {
        Answer a = request(new DefaultHttp2Headers().method("GET").scheme("http").path("/"));
        assertEquals("400", a.status);
        assertTrue(a.body.toString().contains("neither :authority nor Host"), a.body.toString());
    }

    @Test
    void connectIsRefusedAsOverHttp11() {
        Answer a = request(new DefaultHttp2Headers().method("CONNECT").authority("example.com:443"));
        assertEquals("405", a.status);
    }

    @Test
    void headGetsTheHeadOfThePageAndNoBody() {
        Answer a = request(new DefaultHttp2Headers().method("HEAD").scheme("http").authority("example.com").path("/"));
        assertEquals("503", a.status);
        assertTrue(a.ended);
        assertEquals("", a.body.toString());
    }
}
