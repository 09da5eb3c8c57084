package io.gantry.proxy.server;

import io.gantry.proxy.ProxyConfig;
import io.gantry.proxy.forward.ForwardingContext;
import io.gantry.proxy.forward.FrontendHandler;
import io.gantry.proxy.forward.ClientTimeouts;
import io.gantry.proxy.tls.TlsTermination;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.flow.FlowControlHandler;

/**
 * The pipeline of a client connection, read top to bottom: (past the connection cap, none at all)
 * on the HTTPS listener, TLS first (plain HTTP answered 400, SNI picks the certificate, the handshake
 * timed), then close it when idle too long and time a request head that is slow to arrive, decode HTTP/1.1 requests
 * within strict limits, encode the responses the proxy writes itself (a backend's response bytes are
 * written beneath the encoder, {@link FrontendHandler#RAW}), release one decoded message per read so that
 * pipelined requests wait their turn, then forward.
 */
public final class FrontendInitializer extends ChannelInitializer<Channel> {

    private final ForwardingContext context;
    private final ChannelGroup connections;
    private final HttpDecoderConfig decoderConfig;
    private final ConnectionAdmission admission;
    private final TlsTermination tls;

    /** A cleartext listener's connections; {@code connections} tracks each until it closes. */
    public FrontendInitializer(ForwardingContext context, ChannelGroup connections) {
        this(context, connections, null);
    }

    /**
     * @param connections where each new connection is tracked until it closes
     * @param tls for the HTTPS listener: what its connections begin with; null for cleartext
     */
    public FrontendInitializer(ForwardingContext context, ChannelGroup connections, TlsTermination tls) {
        this.context = context;
        this.connections = connections;
        this.tls = tls;
        this.admission = new ConnectionAdmission(context.config().maxConnections(), context.metrics());
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
        if (tls != null) {
            tls.addHandlers(ch.pipeline(), config.clientHeaderTimeout(), context.metrics());
        }
        ch.pipeline()
                .addLast("timeouts", new ClientTimeouts(config.clientIdleTimeout(), config.clientHeaderTimeout()))
                .addLast(FrontendHandler.RAW, new HttpResponseEncoder())
                .addLast("request-decoder", new HttpRequestDecoder(decoderConfig))
                .addLast("one-message-per-read", new FlowControlHandler())
                .addLast("forward", new FrontendHandler(context, tls != null));
    }
}
