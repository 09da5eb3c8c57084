package io.gantry.proxy.server;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.List;
import java.util.function.Supplier;

/** The I/O transport: Linux's epoll or io_uring, or Java NIO, which runs everywhere. */
public record Transport(String name, IoHandlerFactory ioHandlerFactory,
        Class<? extends ServerSocketChannel> serverChannel, Class<? extends SocketChannel> channel) {

    /** The names {@link #named} accepts. */
    public static final List<String> NAMES = List.of("auto", "epoll", "io_uring", "nio");

    /**
     * The default transport: epoll when it loads, NIO otherwise. io_uring is faster here (see
     * benchmarks/README.md) but only on request: with Netty 4.2.15 a backend that resets right after
     * sending part of a response can leave the client waiting (FailureIT reproduces it), which is the
     * family of netty/netty#17049.
     */
    public static Transport best() {
        return Epoll.isAvailable() ? epoll() : nio();
    }

    /**
     * The transport called {@code name} (one of {@link #NAMES}); {@code auto} is {@link #best()}.
     *
     * @throws IllegalArgumentException when the name is unknown or the transport cannot run here
     */
    public static Transport named(String name) {
        return switch (requireKnown(name)) {
            case "epoll" -> requireAvailable(name, Epoll.isAvailable(), Epoll.unavailabilityCause(), Transport::epoll);
            case "io_uring" -> requireAvailable(name, IoUring.isAvailable(), IoUring.unavailabilityCause(), Transport::ioUring);
            case "nio" -> nio();
            default -> best(); // auto
        };
    }

    /**
     * {@code name} when it is one of {@link #NAMES}.
     *
     * @throws IllegalArgumentException naming the flag and the choices otherwise
     */
    public static String requireKnown(String name) {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("--transport must be one of " + String.join(", ", NAMES) + ", got '" + name + "'");
        }
        return name;
    }

    private static Transport requireAvailable(String name, boolean available, Throwable cause, Supplier<Transport> transport) {
        if (!available) {
            throw new IllegalArgumentException("--transport " + name + " is not available here: " + cause);
        }
        return transport.get();
    }

    private static Transport ioUring() {
        return new Transport("io_uring", IoUringIoHandler.newFactory(), IoUringServerSocketChannel.class, IoUringSocketChannel.class);
    }

    private static Transport epoll() {
        return new Transport("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class, EpollSocketChannel.class);
    }

    /** Java NIO, available everywhere. */
    public static Transport nio() {
        return new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class);
    }

    /** An event loop group of {@code threads} threads named {@code name-N}. */
    public EventLoopGroup newGroup(int threads, String threadName) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(threadName, true), ioHandlerFactory);
    }
}
