package io.gantry.proxy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.gantry.common.HostPort;
import io.gantry.proxy.ProxyConfig;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import java.util.List;
import org.junit.jupiter.api.Test;

class TransportTest {

    @Test
    void autoIsIoUringWhereTheKernelAllowsItThenEpollThenNio() {
        String expected = IoUring.isAvailable() ? "io_uring" : Epoll.isAvailable() ? "epoll" : "nio";
        assertEquals(expected, Transport.named("auto").name());
    }

    @Test
    void nioRunsEverywhere() {
        assertEquals("nio", Transport.named("nio").name());
    }

    @Test
    void anUnknownTransportIsRefusedByTheConfigNamingTheFlag() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ProxyConfig.builder()
                .backends(List.of(HostPort.parse("127.0.0.1:80"))).transport("kqueue").build());
        assertEquals("--transport must be one of auto, epoll, io_uring, nio, got 'kqueue'", e.getMessage());
    }
}
