package io.gantry.proxy.server;

import io.gantry.proxy.ProxyConfig;
import io.gantry.proxy.forward.ForwardingContext;
import io.gantry.proxy.forward.FrontendHandler;
import io.gantry.proxy.forward.ClientTimeouts;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.flow.FlowControlHandler;

/**
 * The pipeline of a client connection, read top to bottom: (past the connection cap, none at all)
 * close it when idle too long and time a request head that is slow to arrive, decode HTTP/1.1 requests
 * within strict limits, encode the responses the proxy writes itself (a backend's response bytes are
 * written beneath the encoder, {@link FrontendHandler#RAW}), release one decoded message per read so that
 * pipelined requests wait their turn, then forward.
 */
public final class FrontendInitializer extends ChannelInitializer<Channel> {

    private final ForwardingContext context;
    private final ChannelGroup connections;
    private final HttpDecoderConfig decoderConfig;
    private final ConnectionAdmission admission;

    /** @param connections where each new connection is tracked until it closes */
    public FrontendInitializer(ForwardingContext context, ChannelGroup connections) {
        this.context = context;
        this.connections = connections;
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
        ch.pipeline()
                .addLast("timeouts", new ClientTimeouts(config.clientIdleTimeout(), config.clientHeaderTimeout()))
                .addLast(FrontendHandler.RAW, new HttpResponseEncoder())
                .addLast("request-decoder", new HttpRequestDecoder(decoderConfig))
                .addLast("one-message-per-read", new FlowControlHandler())
                .addLast("forward", new FrontendHandler(context));
    }
}
