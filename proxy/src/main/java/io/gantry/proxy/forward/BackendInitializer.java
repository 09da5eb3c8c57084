package io.gantry.proxy.forward;

import io.gantry.proxy.ProxyConfig;
import io.gantry.proxy.backend.ConnectionPool;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpClientCodec;

/**
 * The pipeline of a connection to a backend, read top to bottom: HTTP/1.1 client codec, then the
 * handler that relays responses to the client connection using it and times a silent backend (response
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
        ch.pipeline()
                .addLast("codec", new HttpClientCodec(4096, config.maxHeaderSize(), 65536))
                .addLast("relay", new BackendHandler(pool, config.responseTimeout(), config.poolIdleTimeout()));
    }
}
