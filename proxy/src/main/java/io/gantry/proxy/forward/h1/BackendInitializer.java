package io.gantry.proxy.forward.h1;

import io.gantry.proxy.ProxyConfig;
import io.gantry.proxy.backend.Backend;
import io.gantry.proxy.backend.BackendTlsContext;
import io.gantry.proxy.backend.ConnectionPool;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;

/**
 * The pipeline of a connection to a backend, read top to bottom. A TLS backend's connection begins
 * with TLS for that backend's name (the pool completes its connect once the handshake has). Requests
 * go out as bytes, written by
 * {@link HeaderRewriter} and {@link ChunkedBody}, so no encoder is needed; responses come in through
 * {@link ResponseReader}, which passes their bytes on as read; then the
 * handler that relays them to the client connection using this one and times a silent backend (response
 * timeout) and an idle pooled connection (pool idle timeout).
 */
public final class BackendInitializer extends ChannelInitializer<Channel> {

    private final ProxyConfig config;
    private final ConnectionPool pool;
    private final BackendTlsContext tls;

    /** @param tls the context TLS backends are reached with, or null when no backend can be a TLS one */
    public BackendInitializer(ProxyConfig config, ConnectionPool pool, BackendTlsContext tls) {
        this.config = config;
        this.pool = pool;
        this.tls = tls;
    }

    @Override
    protected void initChannel(Channel ch) {
        Backend tlsBackend = ConnectionPool.tlsBackend(ch);
        if (tlsBackend != null) {
            if (tls == null) {
                throw new IllegalStateException(tlsBackend + " is a TLS backend, but the proxy was started without backend TLS");
            }
            ch.pipeline().addLast("tls", tls.newHandler(ch.alloc(), tlsBackend));
        }
        ResponseReader reader = new ResponseReader(config.maxHeaderSize());
        ch.pipeline()
                .addLast("response-reader", reader)
                .addLast("relay", new BackendHandler(pool, reader, config.responseTimeout(), config.poolIdleTimeout()));
    }
}
