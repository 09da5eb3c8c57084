package io.gantry.benchmarks;

import io.gantry.proxy.ProxyConfig;
import io.gantry.proxy.server.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One HTTP/2 request through the proxy's real handlers, inside the JVM: an HTTP/2 client (Netty's frame
 * codec, one stream per request, one after the other on one connection) reaching the proxy's client
 * pipeline with {@code --h2c}, an HTTP/1.1 backend answering from memory (the same one
 * {@link ForwardingBenchmark} uses, so the two compare), all on one event loop over loopback TCP. Run
 * with {@code -prof gc} for the bytes allocated per request, the client's HTTP/2 codec included.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class Http2ForwardingBenchmark {

    static final int BATCH = 100;

    @Param({"64"})
    int responseBytes;

    @Param({"io_uring"})
    String transport;

    private EventLoopGroup loop;
    private Channel backendListener;
    private Channel proxyListener;
    private Channel client;
    private final ChannelGroup proxyConnections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final Http2Headers request = new DefaultHttp2Headers()
            .method("GET").scheme("http").authority("www.example.com").path("/index.html")
            .add("user-agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36")
            .add("accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
            .add("accept-encoding", "gzip, deflate, br")
            .add("accept-language", "en-GB,en;q=0.9");

    @Setup(Level.Trial)
    public void start() throws InterruptedException {
        Transport transport = Transport.named(this.transport);
        loop = transport.newGroup(1, "bench-loop");
        backendListener = ForwardingBenchmark.memoryBackend(transport, loop, responseBytes);
        proxyListener = ForwardingBenchmark.proxy(transport, loop, ProxyConfig.builder().h2c(true),
                (InetSocketAddress) backendListener.localAddress(), proxyConnections);
        client = new Bootstrap().group(loop).channel(transport.channel()).option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().build(),
                                new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                    }
                })
                .connect(proxyListener.localAddress()).sync().channel();
    }

    @TearDown(Level.Trial)
    public void stop() {
        client.close().syncUninterruptibly();
        proxyListener.close().syncUninterruptibly();
        backendListener.close().syncUninterruptibly();
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int forwardOneStreamAtATime() throws Exception {
        Promise<Integer> done = client.eventLoop().newPromise();
        client.eventLoop().execute(() -> send(BATCH, 0, done));
        return done.get(10, TimeUnit.SECONDS);
    }

    /** Opens a stream, sends the GET and, once its response ended, the next. */
    private void send(int left, int answered, Promise<Integer> done) {
        if (left == 0) {
            done.trySuccess(answered);
            return;
        }
        new Http2StreamChannelBootstrap(client).handler(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                boolean end = msg instanceof Http2StreamFrame f
                        && (f instanceof Http2DataFrame d ? d.isEndStream() : ((Http2HeadersFrame) f).isEndStream());
                if (msg instanceof Http2HeadersFrame h && !"200".contentEquals(h.headers().status() == null ? "" : h.headers().status())
                        && h.headers().status() != null) {
                    done.tryFailure(new IllegalStateException("proxy answered " + h.headers().status()));
                }
                ReferenceCountUtil.release(msg);
                if (end) {
                    ctx.close();
                    send(left - 1, answered + 1, done);
                }
            }
        }).open().addListener(f -> {
            if (!f.isSuccess()) {
                done.tryFailure(f.cause());
                return;
            }
            ((Channel) f.getNow()).writeAndFlush(new DefaultHttp2HeadersFrame(request, true));
        });
    }
}
