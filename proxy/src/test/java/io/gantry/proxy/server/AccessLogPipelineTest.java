package io.gantry.proxy.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.common.HostPort;
import io.gantry.proxy.ProxyConfig;
import io.gantry.proxy.ProxyMetrics;
import io.gantry.proxy.accesslog.AccessLog;
import io.gantry.proxy.accesslog.AccessLogFormat;
import io.gantry.proxy.backend.BackendGroup;
import io.gantry.proxy.forward.ForwardingContext;
import io.gantry.testing.Poll;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the client pipeline logs for the answers the proxy gives itself, driven on an EmbeddedChannel. */
class AccessLogPipelineTest {

    @TempDir
    Path dir;

    private AccessLog log;
    private Path file;

    private EmbeddedChannel channel() {
        ProxyConfig config = ProxyConfig.builder().backends(List.of(HostPort.parse("127.0.0.1:9"))).build();
        ProxyMetrics metrics = new ProxyMetrics();
        file = dir.resolve("access.log");
        log = AccessLog.open(file.toString(), AccessLogFormat.COMBINED, 16, metrics.accessLogDropped());
        ForwardingContext context = new ForwardingContext(config, new BackendGroup(), metrics,
                new Bootstrap().channel(NioSocketChannel.class), log);
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.config().setAutoRead(false);
        ch.pipeline().addLast(new FrontendInitializer(context, new DefaultChannelGroup(GlobalEventExecutor.INSTANCE)));
        ch.pipeline().fireChannelActive();
        return ch;
    }

    @AfterEach
    void closeLog() {
        log.close();
    }

    private List<String> awaitLines(int count) {
        return Poll.value(Duration.ofSeconds(5), count + " lines", () -> {
            try {
                List<String> l = Files.exists(file) ? Files.readAllLines(file) : List.of();
                return l.size() >= count ? l : null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static int bodyLength(String response) {
        return response.length() - response.indexOf("\r\n\r\n") - 4;
    }

    @Test
    void answersWithoutABackendAreLoggedWithTheirBodySize() {
        EmbeddedChannel ch = channel();
        String unavailable = FrontendPipelineTest.send(ch, "GET /x HTTP/1.1\r\nHost: a\r\nUser-Agent: t\r\n\r\n");
        FrontendPipelineTest.send(ch, "HEAD /y HTTP/1.1\r\nHost: a\r\n\r\n");
        FrontendPipelineTest.send(ch, "GET /z HTTP/1.1\r\n\r\n"); // no Host: 400
        List<String> lines = awaitLines(3);
        assertTrue(lines.get(0).endsWith("\"GET /x HTTP/1.1\" 503 " + bodyLength(unavailable) + " \"-\" \"t\""), lines.get(0));
        assertTrue(lines.get(1).endsWith("\"HEAD /y HTTP/1.1\" 503 0 \"-\" \"-\""), lines.get(1));
        assertTrue(lines.get(2).contains("\"GET /z HTTP/1.1\" 400 "), lines.get(2));
    }

    @Test
    void anUnreadableRequestLineIsLoggedAsADash() {
        EmbeddedChannel ch = channel();
        FrontendPipelineTest.send(ch, "\u0001 \u0002\r\n\r\n");
        String line = awaitLines(1).get(0);
        assertTrue(line.startsWith("embedded - - [") && line.contains("] \"-\" 400 "), line);
    }
}
