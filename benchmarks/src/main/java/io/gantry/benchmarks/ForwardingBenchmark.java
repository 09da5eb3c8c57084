package io.gantry.benchmarks;

import io.gantry.common.HostPort;
import io.gantry.proxy.ProxyConfig;
import io.gantry.proxy.ProxyMetrics;
import io.gantry.proxy.backend.Backend;
import io.gantry.proxy.backend.BackendGroup;
import io.gantry.proxy.backend.BackendSet;
import io.gantry.proxy.forward.ForwardingContext;
import io.gantry.proxy.server.FrontendInitializer;
import io.gantry.proxy.server.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.util.List;
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
 * One request through the proxy's real handlers, end to end inside the JVM: a client's HTTP codec, the
 * proxy's client-connection pipeline ({@link FrontendInitializer}), a pooled backend connection with
 * its codec, a backend answering from memory, and the response back the same way. Client, proxy and
 * backend share one event loop of the transport under test (the proxy's --transport) over loopback
 * TCP, so the figure is the whole chain's CPU on one core, system calls included, with nothing
 * waiting for another thread. Run with {@code -prof gc} for the bytes allocated per request.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ForwardingBenchmark {

    /** Requests sent one after the other per benchmark call, so the hand-over to the loop is amortised. */
    static final int BATCH = 100;

    @Param({"64", "65536"})
    int responseBytes;

    /** The proxy's {@code --transport}: io_uring is its default where the kernel allows it. */
    @Param({"io_uring", "epoll"})
    String transport;

    private EventLoopGroup loop;
    private Channel backendListener;
    private Channel proxyListener;
    private Channel client;
    private SequentialClient driver;
    private Channel directClient;
    private SequentialClient directDriver;
    private final ChannelGroup proxyConnections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

    @Setup(Level.Trial)
    public void start() throws InterruptedException {
        Transport transport = Transport.named(this.transport);
        loop = transport.newGroup(1, "bench-loop");

        backendListener = memoryBackend(transport, loop, responseBytes);
        InetSocketAddress backendAddress = (InetSocketAddress) backendListener.localAddress();
        proxyListener = proxy(transport, loop, ProxyConfig.builder(), backendAddress, proxyConnections);

        driver = new SequentialClient();
        client = connect(transport, proxyListener.localAddress(), driver);
        directDriver = new SequentialClient();
        directClient = connect(transport, backendAddress, directDriver);
    }

    /** A backend on {@code loop} answering every request with {@code bytes} zeros, from memory. */
    static Channel memoryBackend(Transport transport, EventLoopGroup loop, int bytes) throws InterruptedException {
        ByteBuf body = Unpooled.unreleasableBuffer(Unpooled.directBuffer(bytes).writeZero(bytes));
        return new ServerBootstrap().group(loop).channel(transport.serverChannel())
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new MemoryBackend(body));
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
    }

    /**
     * The proxy's client pipeline listening on {@code loop}, with {@code settings} (its one event loop
     * and {@code backend} set here), in front of {@code backend}.
     */
    static Channel proxy(Transport transport, EventLoopGroup loop, ProxyConfig.Builder settings, InetSocketAddress backend,
            ChannelGroup connections) throws InterruptedException {
        HostPort address = new HostPort("127.0.0.1", backend.getPort());
        ProxyConfig config = settings.backends(List.of(address)).eventLoops(1).build();
        BackendGroup backends = new BackendGroup();
        backends.update(BackendSet.of(List.of(Backend.of(address.toString(), address))));
        ForwardingContext context = new ForwardingContext(config, backends, new ProxyMetrics(),
                new Bootstrap().channel(transport.channel()).option(ChannelOption.TCP_NODELAY, true));
        return new ServerBootstrap().group(loop).channel(transport.serverChannel())
                .childOption(ChannelOption.AUTO_READ, false) // as ProxyServer: the protocol adapter reads when ready
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new FrontendInitializer(context, connections))
                .bind("127.0.0.1", 0).sync().channel();
    }

    private Channel connect(Transport transport, java.net.SocketAddress address, SequentialClient handler)
            throws InterruptedException {
        return new Bootstrap().group(loop).channel(transport.channel()).option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), handler);
                    }
                })
                .connect(address).sync().channel();
    }

    @TearDown(Level.Trial)
    public void stop() {
        client.close().syncUninterruptibly();
        directClient.close().syncUninterruptibly();
        proxyListener.close().syncUninterruptibly();
        backendListener.close().syncUninterruptibly();
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int forwardKeepAlive() throws Exception {
        return run(client, driver);
    }

    /** The same client and backend without the proxy between them: subtract it to get the proxy's share. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int directKeepAlive() throws Exception {
        return run(directClient, directDriver);
    }

    private static int run(Channel ch, SequentialClient driver) throws Exception {
        Promise<Integer> done = ch.eventLoop().newPromise();
        ch.eventLoop().execute(() -> driver.send(BATCH, done));
        return done.get(10, TimeUnit.SECONDS);
    }

    /** Sends {@code n} GETs one after another on one keep-alive connection, as a browser would. */
    static final class SequentialClient extends ChannelInboundHandlerAdapter {
        private final HttpRequest request = browserRequest();
        private ChannelHandlerContext ctx;
        private int left;
        private int responses;
        private Promise<Integer> done;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        void send(int n, Promise<Integer> promise) {
            left = n;
            responses = 0;
            done = promise;
            sendOne();
        }

        private void sendOne() {
            left--;
            ctx.write(request, ctx.voidPromise());
            ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT, ctx.voidPromise());
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpResponse r && r.status().code() != 200) {
                done.tryFailure(new IllegalStateException("proxy answered " + r.status()));
            }
            boolean last = msg instanceof LastHttpContent;
            ReferenceCountUtil.release(msg);
            if (last) {
                responses++;
                if (left > 0) {
                    sendOne();
                } else {
                    done.trySuccess(responses);
                }
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (done != null) {
                done.tryFailure(new IllegalStateException("the proxy closed the connection"));
            }
        }

        static HttpRequest browserRequest() {
            HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/index.html");
            r.headers()
                    .set(HttpHeaderNames.HOST, "www.example.com")
                    .set(HttpHeaderNames.USER_AGENT, "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36")
                    .set(HttpHeaderNames.ACCEPT, "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
                    .set(HttpHeaderNames.ACCEPT_ENCODING, "gzip, deflate, br")
                    .set(HttpHeaderNames.ACCEPT_LANGUAGE, "en-GB,en;q=0.9")
                    .set(HttpHeaderNames.CONNECTION, "keep-alive");
            return r;
        }
    }

    /** A backend that answers every request with the same body, from memory. */
    static final class MemoryBackend extends ChannelInboundHandlerAdapter {
        private final ByteBuf body;

        MemoryBackend(ByteBuf body) {
            this.body = body;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            boolean last = msg instanceof LastHttpContent;
            ReferenceCountUtil.release(msg);
            if (last) {
                FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body.duplicate());
                response.headers()
                        .set(HttpHeaderNames.SERVER, "nginx/1.22.1")
                        .set(HttpHeaderNames.CONTENT_TYPE, "text/html")
                        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
                        .set(HttpHeaderNames.CONNECTION, "keep-alive");
                ctx.writeAndFlush(response, ctx.voidPromise());
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }
    }
}
