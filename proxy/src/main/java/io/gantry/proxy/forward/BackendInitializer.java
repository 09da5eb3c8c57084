package io.gantry.proxy.forward;

import io.gantry.proxy.ProxyConfig;
import io.gantry.proxy.backend.ConnectionPool;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;

/**
 * The pipeline of a connection to a backend, read top to bottom. Requests go out as bytes, written by
 * {@link HeaderRewriter} and {@link ChunkedBody}, so no encoder is needed; responses come in through
 * {@link ResponseReader}, which passes their bytes on as read; then the
 * handler that relays them to the client connection using this one and times a silent backend (response
 * timeout) and an idle pooled connection (pool idle timeout).
 */
final class BackendInitializer extends ChannelInitializer<Channel> {

    private final ProxyConfig config;
    private final ConnectionPool pool;

    BackendInitializer(ProxyConfig config, ConnectionPool pool) {
        this.config = config;
        this.pool = pool;
    }

    @Override
    protected void initChannel(Channel ch) {
        ResponseReader reader = new ResponseReader(config.maxHeaderSize());
        ch.pipeline()
                .addLast("response-reader", reader)
                .addLast("relay", new BackendHandler(pool, reader, config.responseTimeout(), config.poolIdleTimeout()));
    }
}
