package io.gantry.benchmarks.soak;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * The application behind the soak's nginx backends, for what nginx cannot do by itself: {@code POST
 * /upload} reads the whole body and answers with its length and CRC-32 ({@code 65536 1a2b3c4d}), so the
 * load driver can check that an upload arrived intact; {@code GET /ws} is a WebSocket that echoes every
 * text and binary message, after a first one that names the nginx it came through ({@code backend
 * nginx@1}, from the X-Backend header nginx adds). Usage: {@code SoakEcho 127.0.0.1:PORT}.
 */
public final class SoakEcho {

    private SoakEcho() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 1 || !args[0].startsWith("127.")) {
            System.err.println("usage: SoakEcho 127.x.y.z:PORT (loopback only)");
            System.exit(2);
        }
        int colon = args[0].lastIndexOf(':');
        InetSocketAddress address = new InetSocketAddress(args[0].substring(0, colon), Integer.parseInt(args[0].substring(colon + 1)));
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new UploadDigest(), new HttpObjectAggregator(1 << 16),
                                new WebSocketServerProtocolHandler("/ws", null, false, 1 << 20), new Echo());
                    }
                }).bind(address).sync().channel();
        System.out.println("SoakEcho: listening on " + address);
        server.closeFuture().sync();
    }

    /** Answers {@code POST /upload} with the body's length and CRC-32; passes every other request on. */
    private static final class UploadDigest extends SimpleChannelInboundHandler<HttpObject> {
        private CRC32 crc; // non-null while an upload's body is being read
        private long length;
        private boolean keepAlive;

        UploadDigest() {
            super(false);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (msg instanceof HttpRequest request && request.method().equals(HttpMethod.POST) && request.uri().equals("/upload")) {
                crc = new CRC32();
                length = 0;
                keepAlive = HttpUtil.isKeepAlive(request);
            } else if (crc == null) {
                ctx.fireChannelRead(msg);
                return;
            }
            if (msg instanceof HttpContent content) {
                ByteBuf data = content.content();
                length += data.readableBytes();
                crc.update(data.nioBuffer());
            }
            io.netty.util.ReferenceCountUtil.release(msg);
            if (msg instanceof LastHttpContent) {
                String answer = length + " " + Long.toHexString(crc.getValue()) + "\n";
                crc = null;
                FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                        Unpooled.copiedBuffer(answer, StandardCharsets.US_ASCII));
                HttpUtil.setContentLength(response, response.content().readableBytes());
                response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain");
                HttpUtil.setKeepAlive(response, keepAlive);
                var written = ctx.writeAndFlush(response);
                if (!keepAlive) {
                    written.addListener(ChannelFutureListener.CLOSE);
                }
            }
        }
    }

    /** Sends every WebSocket message back as it came; anything that is not the WebSocket gets a 404. */
    private static final class Echo extends SimpleChannelInboundHandler<Object> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame || msg instanceof ContinuationWebSocketFrame) {
                ctx.writeAndFlush(((WebSocketFrame) msg).retain());
            } else if (msg instanceof HttpRequest request) {
                FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND,
                        Unpooled.copiedBuffer("SoakEcho: try POST /upload or GET /ws\n", StandardCharsets.US_ASCII));
                HttpUtil.setContentLength(response, response.content().readableBytes());
                HttpUtil.setKeepAlive(response, false);
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        }

        /** The first message of every WebSocket names the nginx it came through (its X-Backend header). */
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete done) {
                String backend = done.requestHeaders().get("X-Backend", "unknown");
                ctx.writeAndFlush(new TextWebSocketFrame("backend " + backend));
            } else {
                ctx.fireUserEventTriggered(evt);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
