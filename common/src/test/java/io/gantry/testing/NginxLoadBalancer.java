package io.gantry.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * nginx as the tutorial's load balancer ({@code upstream backend { server ...; }} and
 * {@code proxy_pass http://backend;}), for comparing the proxy with what it replaces on the same inputs.
 */
public final class NginxLoadBalancer implements AutoCloseable {

    private final Path dir;
    private final int port;
    private final ChildProcess nginx;

    /** Starts nginx on a free loopback port in front of {@code backends} (host:port each). */
    public NginxLoadBalancer(List<String> backends) {
        try {
            dir = Files.createTempDirectory("gantry-nginx-lb");
            Files.createDirectories(dir.resolve("tmp"));
            port = FreePorts.pick();
            String user = "root".equals(System.getProperty("user.name")) ? "user root root;\n" : "";
            Files.writeString(dir.resolve("nginx.conf"), user + """
                    worker_processes 1;
                    daemon off;
                    pid %1$s/nginx.pid;
                    events { worker_connections 1024; }
                    http {
                      access_log off;
                      client_body_temp_path %1$s/tmp/body; proxy_temp_path %1$s/tmp/proxy;
                      fastcgi_temp_path %1$s/tmp/fastcgi; uwsgi_temp_path %1$s/tmp/uwsgi; scgi_temp_path %1$s/tmp/scgi;
                      upstream backend {
                    %3$s
                      }
                      server {
                        listen 127.0.0.1:%2$d;
                        location / { proxy_pass http://backend; }
                      }
                    }
                    """.formatted(dir, port, backends.stream().map(b -> "    server " + b + ";").collect(Collectors.joining("\n"))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        nginx = ChildProcess.start("nginx-lb", List.of("nginx", "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString(),
                "-e", dir.resolve("error.log").toString()), dir.resolve("stdout.log"));
        Poll.until(Duration.ofSeconds(10), "nginx load balancer listening", () -> NginxExtension.accepts(port));
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        nginx.kill();
        TempDirs.delete(dir);
    }
}
