package io.gantry.proxy.server;

import io.gantry.common.HostPort;
import io.gantry.proxy.ProxyConfig;
import io.gantry.proxy.forward.ForwardingContext;
import io.gantry.proxy.tls.TlsTermination;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import io.netty.util.concurrent.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listening side of the proxy: binds the cleartext and HTTPS listeners on the given event loops,
 * keeps track of client connections, and on {@link #drain} stops accepting and lets the open ones finish.
 */
public final class ProxyServer {

    private static final Logger log = LoggerFactory.getLogger(ProxyServer.class);

    private final ChannelGroup connections = new DefaultChannelGroup("clients", GlobalEventExecutor.INSTANCE);
    private final ForwardingContext context;
    private final TlsTermination tls;
    private final List<Channel> listeners = new ArrayList<>();
    private InetSocketAddress address;
    private InetSocketAddress tlsAddress;

    /** @param tls what the HTTPS listener serves, or null without one */
    public ProxyServer(ForwardingContext context, TlsTermination tls) {
        this.context = context;
        this.tls = tls;
    }

    /**
     * Binds the HTTPS listener ({@code config.tlsListen()}), then the cleartext one
     * ({@code config.listen()}), whichever are configured; the HTTPS port is known before a redirect
     * to it can be answered.
     */
    public void start(Transport transport, EventLoopGroup group) throws InterruptedException {
        ProxyConfig config = context.config();
        ConnectionAdmission admission = ConnectionAdmission.withinFileLimit(config.maxConnections(), context.metrics());
        if (config.tlsListen() != null) {
            tlsAddress = bind(transport, group, config.tlsListen(), new FrontendInitializer(context, connections, tls, admission));
            context.httpsPort(tlsAddress.getPort());
        }
        if (config.listen() != null) {
            address = bind(transport, group, config.listen(), new FrontendInitializer(context, connections, null, admission));
        }
    }

    private InetSocketAddress bind(Transport transport, EventLoopGroup group, HostPort where, FrontendInitializer initializer)
            throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, false) // the protocol adapter reads when it is ready
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(initializer);
        Channel listener = b.bind(where.host(), where.port()).sync().channel();
        listeners.add(listener);
        return (InetSocketAddress) listener.localAddress();
    }

    /** The cleartext listener's bound address (useful when the port was 0), or null without one. */
    public InetSocketAddress address() {
        return address;
    }

    /** The HTTPS listener's bound address, or null without one. */
    public InetSocketAddress tlsAddress() {
        return tlsAddress;
    }

    private void tellConnectionsToDrain() throws InterruptedException {
        List<Future<?>> told = new ArrayList<>();
        for (Channel ch : connections) {
            told.add(ch.eventLoop().submit(() -> ch.pipeline().fireUserEventTriggered(ForwardingContext.DRAIN)));
        }
        for (Future<?> f : told) {
            f.await(1, TimeUnit.SECONDS);
        }
    }

    /** Open client connections. */
    public int connectionCount() {
        return connections.size();
    }

    /**
     * Stops accepting, asks every connection to close once its current exchange ends, and waits up
     * to {@code timeout} for them; returns how many were still open then.
     */
    public int drain(Duration timeout) throws InterruptedException {
        // Every connection learns of the drain before the listener closes, so whoever sees the port
        // close also sees the answers in flight say "Connection: close".
        context.startDraining();
        tellConnectionsToDrain();
        for (Channel listener : listeners) {
            listener.close().sync();
        }
        tellConnectionsToDrain(); // the ones accepted meanwhile
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!connections.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        int left = connections.size();
        if (left > 0) {
            log.warn("{} connections still busy after {} ms; closing them", left, timeout.toMillis());
            connections.close();
        }
        return left;
    }
}
