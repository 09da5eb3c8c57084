package io.gantry.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * HAProxy as a plain HTTP load balancer ({@code mode http}, round-robin, its defaults otherwise:
 * keep-alive and connection reuse on the backend side), on a free loopback port, for comparing the
 * proxy with it on the same inputs.
 */
public final class HaproxyLoadBalancer implements AutoCloseable {

    private final Path dir;
    private final int port;
    private final ChildProcess haproxy;

    /** Starts haproxy in front of {@code backends} (host:port each); {@code serverTimeout} bounds a silent backend. */
    public HaproxyLoadBalancer(List<String> backends, Duration serverTimeout) {
        try {
            dir = Files.createTempDirectory("gantry-haproxy-lb");
            port = FreePorts.pick();
            String servers = IntStream.range(0, backends.size())
                    .mapToObj(i -> "  server s" + (i + 1) + " " + backends.get(i))
                    .collect(Collectors.joining("\n"));
            Files.writeString(dir.resolve("haproxy.cfg"), """
                    global
                      maxconn 1024
                    defaults
                      mode http
                      timeout connect 5s
                      timeout client 30s
                      timeout server %2$dms
                    frontend web
                      bind 127.0.0.1:%1$d
                      default_backend website
                    backend website
                      balance roundrobin
                    %3$s
                    """.formatted(port, serverTimeout.toMillis(), servers));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // -db: stay in the foreground, as a child process the test can stop
        haproxy = ChildProcess.start("haproxy-lb", List.of("haproxy", "-db", "-f", dir.resolve("haproxy.cfg").toString()),
                dir.resolve("haproxy.log"));
        Poll.until(Duration.ofSeconds(10), "haproxy listening on 127.0.0.1:" + port, () -> {
            if (!haproxy.isAlive()) {
                throw new AssertionError("haproxy exited: " + haproxy.output());
            }
            return NginxExtension.accepts(port);
        });
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        haproxy.kill();
        TempDirs.delete(dir);
    }
}
