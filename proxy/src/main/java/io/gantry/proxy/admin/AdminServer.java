package io.gantry.proxy.admin;

import io.gantry.common.HostPort;
import io.gantry.proxy.ProxyMetrics;
import io.gantry.proxy.backend.Services;
import io.gantry.proxy.route.Routes;
import io.gantry.proxy.tls.CertificateTable;
import io.gantry.proxy.server.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.net.InetSocketAddress;
import java.util.function.Supplier;

/** The admin listener; its pipeline is small because its requests are: decode, aggregate (8 KiB at most), answer. */
public final class AdminServer implements AutoCloseable {

    private Channel listener;

    /**
     * Binds {@code address} on {@code group}; returns the bound address.
     *
     * @param certificates what the HTTPS listener serves now, or null without one
     */
    public InetSocketAddress start(HostPort address, Transport transport, EventLoopGroup group, Services services, Routes routes,
            String catchAllService, ProxyMetrics metrics, Supplier<CertificateTable> certificates) throws InterruptedException {
        AdminHandler handler = new AdminHandler(services, routes, catchAllService, metrics, certificates);
        listener = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline()
                                .addLast("codec", new HttpServerCodec())
                                .addLast("aggregate", new HttpObjectAggregator(8192))
                                .addLast("answer", handler);
                    }
                })
                .bind(address.host(), address.port()).sync().channel();
        return (InetSocketAddress) listener.localAddress();
    }

    @Override
    public void close() {
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
    }
}
