package io.gantry.proxy.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class ClientTimeoutsTest {

    private final List<Object> events = new ArrayList<>();

    private EmbeddedChannel channel(Duration idle, Duration header) {
        return new EmbeddedChannel(new ClientTimeouts(idle, header), new ChannelInboundHandlerAdapter() {
            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                events.add(evt);
            }
        });
    }

    /** Runs the channel's due timers until {@code condition} holds or {@code within} passed. */
    private static boolean runTimersUntil(EmbeddedChannel ch, BooleanSupplier condition, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            ch.runScheduledPendingTasks();
            Thread.onSpinWait();
        }
        return condition.getAsBoolean();
    }

    @Test
    void anIdleKeepAliveConnectionIsClosed() {
        EmbeddedChannel ch = channel(Duration.ofMillis(50), Duration.ofSeconds(30));
        assertTrue(runTimersUntil(ch, () -> !ch.isOpen(), Duration.ofSeconds(5)));
        assertEquals(List.of(), events);
    }

    @Test
    void aHeadStartedButNotFinishedInTimeFiresExpired() {
        EmbeddedChannel ch = channel(Duration.ofSeconds(30), Duration.ofMillis(50));
        ch.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\n", StandardCharsets.US_ASCII));
        assertTrue(runTimersUntil(ch, () -> events.contains(ClientTimeouts.EXPIRED), Duration.ofSeconds(5)));
        assertTrue(ch.isOpen(), "the frontend answers 408, then closes");
        ch.finishAndReleaseAll();
    }

    @Test
    void noClockRunsWhileAnExchangeIsUnderway() {
        EmbeddedChannel ch = channel(Duration.ofMillis(50), Duration.ofMillis(50));
        ch.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\n\r\n", StandardCharsets.US_ASCII));
        ch.pipeline().get(ClientTimeouts.class).headReceived();
        assertFalse(runTimersUntil(ch, () -> !ch.isOpen() || !events.isEmpty(), Duration.ofMillis(300)));

        ch.pipeline().get(ClientTimeouts.class).awaitNextHead(); // the response went out: idle again
        assertTrue(runTimersUntil(ch, () -> !ch.isOpen(), Duration.ofSeconds(5)));
        assertEquals(List.of(), events);
        ch.finishAndReleaseAll();
    }
}
