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

/** The I/O transport: Linux's io_uring or epoll, or Java NIO, which runs everywhere. */
public record Transport(String name, IoHandlerFactory ioHandlerFactory,
        Class<? extends ServerSocketChannel> serverChannel, Class<? extends SocketChannel> channel) {

    /** The names {@link #named} accepts. */
    public static final List<String> NAMES = List.of("auto", "epoll", "io_uring", "nio");

    /** Netty's switch for io_uring's multishot poll; read once, when io_uring's classes load. */
    static final String MULTISHOT_POLL = "io.netty.iouring.pollAddMultishotEnabled";

    static {
        // With multishot poll (Netty 4.2.15-4.2.18), a backend that resets right after sending part of a
        // response can leave that exchange waiting forever: the reset is never seen (FailureIT reproduced
        // it in 5 runs of 7; with single-shot poll in 0 of 9, at no cost in throughput). Turned off here,
        // before io_uring loads, unless the JVM was told otherwise.
        if (System.getProperty(MULTISHOT_POLL) == null) {
            System.setProperty(MULTISHOT_POLL, "false");
        }
    }

    /**
     * The default transport: io_uring when the kernel allows it, else epoll, else NIO. io_uring submits
     * a loop's writes in one system call and is 10-20% faster than epoll here (benchmarks/README.md).
     */
    public static Transport best() {
        if (IoUring.isAvailable()) {
            return ioUring();
        }
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
