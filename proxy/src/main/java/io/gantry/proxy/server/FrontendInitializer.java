package io.gantry.proxy.server;

import io.gantry.proxy.Http2Options;
import io.gantry.proxy.ProxyConfig;
import io.gantry.proxy.forward.ClientTimeouts;
import io.gantry.proxy.forward.ForwardingContext;
import io.gantry.proxy.forward.h1.Http1Connection;
import io.gantry.proxy.forward.h1.RequestDecoder;
import io.gantry.proxy.forward.h2.Http2ClientConnection;
import io.gantry.proxy.tls.TlsTermination;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * The pipelines of a client connection, read top to bottom. Past the connection cap, none at all. On
 * the HTTPS listener, TLS first (plain HTTP answered 400, SNI picks the certificate, the handshake
 * timed), then ALPN picks the protocol ({@link AlpnSelector}); on a cleartext listener with
 * {@code --h2c}, the first bytes do ({@link PrefaceSelector}); otherwise it is HTTP/1.1.
 * <ul>
 * <li>HTTP/1.1 ({@link #http1}): close it when idle too long and time a request head that is slow to
 * arrive, encode the responses the proxy writes itself (a backend's response bytes are written beneath
 * the encoder, {@link Http1Connection#RAW}), decode requests within strict limits, release one decoded
 * message per read so that pipelined requests wait their turn, then the adapter that gives each request
 * to an exchange.
 * <li>HTTP/2 ({@link #http2}): close it when idle, the frame codec with its limits (streams, header
 * list, resets, floods), one child channel per stream, whose adapter gives its request to an exchange,
 * then the connection's own handler (drain, idle, what its streams share).
 * </ul>
 */
public final class FrontendInitializer extends ChannelInitializer<Channel> {

    private final ForwardingContext context;
    private final ChannelGroup connections;
    private final HttpDecoderConfig decoderConfig;
    private final ConnectionAdmission admission;
    private final TlsTermination tls;

    /** A cleartext listener's connections, with a cap of their own; {@code connections} tracks each until it closes. */
    public FrontendInitializer(ForwardingContext context, ChannelGroup connections) {
        this(context, connections, null, new ConnectionAdmission(context.config().maxConnections(), context.metrics()));
    }

    /**
     * @param connections where each new connection is tracked until it closes
     * @param tls for the HTTPS listener: what its connections begin with; null for cleartext
     * @param admission the connection cap, shared by the listeners
     */
    FrontendInitializer(ForwardingContext context, ChannelGroup connections, TlsTermination tls, ConnectionAdmission admission) {
        this.context = context;
        this.connections = connections;
        this.tls = tls;
        this.admission = admission;
        ProxyConfig config = context.config();
        this.decoderConfig = new HttpDecoderConfig()
                .setMaxInitialLineLength(config.maxInitialLineLength())
                .setMaxHeaderSize(config.maxHeaderSize())
                .setMaxChunkSize(65536);
    }

    @Override
    protected void initChannel(Channel ch) {
        ProxyConfig config = context.config();
        if (!admission.admit(ch)) {
            return;
        }
        connections.add(ch);
        context.metrics().connectionOpened();
        ch.closeFuture().addListener(f -> context.metrics().connectionClosed());
        if (tls != null) {
            tls.addHandlers(ch.pipeline(), config.clientHeaderTimeout(), context.metrics());
            ch.pipeline().addLast("protocol", new AlpnSelector(this));
        } else if (config.http2().cleartext()) {
            ch.pipeline().addLast("protocol", new PrefaceSelector(this));
        } else {
            http1(ch.pipeline(), false);
        }
    }

    /** The HTTP/1.1 handlers, after what is in {@code p}. */
    void http1(ChannelPipeline p, boolean secure) {
        ProxyConfig config = context.config();
        p.addLast("timeouts", new ClientTimeouts(config.clientIdleTimeout(), config.clientHeaderTimeout()))
                .addLast(Http1Connection.RAW, new HttpResponseEncoder())
                .addLast("request-decoder", new RequestDecoder(decoderConfig))
                .addLast("one-message-per-read", new FlowControlHandler())
                .addLast("forward", new Http1Connection(context, secure));
    }

    /** The HTTP/2 handlers, after what is in {@code p}. */
    void http2(ChannelPipeline p, boolean secure) {
        ProxyConfig config = context.config();
        Http2Options h2 = config.http2();
        Http2FrameCodec codec = Http2FrameCodecBuilder.forServer()
                .initialSettings(Http2Settings.defaultSettings()
                        .maxConcurrentStreams(h2.maxConcurrentStreams())
                        .maxHeaderListSize(h2.maxHeaderListSize()))
                .validateHeaders(true)
                .decoderEnforceMaxRstFramesPerWindow(h2.maxResetsPerWindow(), h2.resetWindowSeconds())
                // The resets a client makes the proxy send count as well (MadeYouReset, CVE-2025-8671).
                .encoderEnforceMaxRstFramesPerWindow(h2.maxResetsPerWindow(), h2.resetWindowSeconds())
                .decoderEnforceMaxConsecutiveEmptyDataFrames(h2.maxEmptyDataFrames())
                .decoderEnforceMaxSmallContinuationFrames(h2.maxSmallContinuationFrames())
                .encoderEnforceMaxQueuedControlFrames(h2.maxQueuedControlFrames())
                .gracefulShutdownTimeoutMillis(config.shutdownTimeout().toMillis())
                .build();
        Http2ClientConnection connection = new Http2ClientConnection(context, codec, secure);
        p.addLast("idle", new IdleStateHandler(0, 0, config.clientIdleTimeout().toNanos(), TimeUnit.NANOSECONDS))
                .addLast("h2", codec)
                .addLast("streams", new Http2MultiplexHandler(connection.streamInitializer()))
                .addLast("connection", connection);
    }
}
