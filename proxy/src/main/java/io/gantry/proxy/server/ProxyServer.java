package io.gantry.proxy.server;

import io.gantry.proxy.ProxyConfig;
import io.gantry.proxy.forward.ForwardingContext;
import io.gantry.proxy.forward.FrontendHandler;
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
 * The listening side of the proxy: binds the listen address on the given event loops, keeps track of
 * client connections, and on {@link #drain} stops accepting and lets the open ones finish.
 */
public final class ProxyServer {

    private static final Logger log = LoggerFactory.getLogger(ProxyServer.class);

    private final ChannelGroup connections = new DefaultChannelGroup("clients", GlobalEventExecutor.INSTANCE);
    private final ForwardingContext context;
    private Channel listener;

    public ProxyServer(ForwardingContext context) {
        this.context = context;
    }

    /** Binds {@code config.listen()}; returns the bound address (useful when the port was 0). */
    public InetSocketAddress start(Transport transport, EventLoopGroup group) throws InterruptedException {
        ProxyConfig config = context.config();
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, false) // FrontendHandler reads when it is ready
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new FrontendInitializer(context, connections));
        listener = b.bind(config.listen().host(), config.listen().port()).sync().channel();
        return (InetSocketAddress) listener.localAddress();
    }

    private void tellConnectionsToDrain() throws InterruptedException {
        List<Future<?>> told = new ArrayList<>();
        for (Channel ch : connections) {
            told.add(ch.eventLoop().submit(() -> ch.pipeline().fireUserEventTriggered(FrontendHandler.DRAIN)));
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
        if (listener != null) {
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
