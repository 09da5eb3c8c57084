package io.gantry.proxy;

import io.gantry.testing.ChildProcess;
import io.gantry.testing.FreePorts;
import io.gantry.testing.NginxExtension;
import io.gantry.testing.Poll;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The server {@link Http2HostileIT} attacks, in a child process on free loopback ports: {@code proxy.jar
 * --h2c}, which takes HTTP/2 with prior knowledge and HTTP/1.1 on one port, or, for comparison, nginx,
 * whose {@code listen ... http2} takes HTTP/2 only, so that HTTP/1.1 has a port of its own.
 */
abstract class H2Target implements AutoCloseable {

    /** Where HTTP/2 with prior knowledge goes. */
    abstract int h2Port();

    /** Where HTTP/1.1 goes. */
    abstract int h1Port();

    /** The process that serves the connections, whose memory is measured. */
    abstract long servingPid();

    abstract boolean alive();

    /** What the server logged so far. */
    abstract String output();

    /** The high-water mark of the serving process's resident set (VmHWM), in KiB. */
    long peakRssKib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + servingPid() + "/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
            throw new IllegalStateException("no VmHWM in /proc/" + servingPid() + "/status");
        } catch (IOException e) {
            throw new UncheckedIOException("the serving process " + servingPid() + " is gone", e);
        }
    }

    /** {@code java JVM_ARGS -jar proxy.jar --listen 127.0.0.1:PORT --admin 127.0.0.1:PORT ARGS}, once it listens. */
    static H2Target proxy(List<String> jvmArgs, List<String> args, Path dir) {
        int port = FreePorts.pick();
        List<String> all = new ArrayList<>(List.of("--listen", "127.0.0.1:" + port, "--admin", "127.0.0.1:" + FreePorts.pick()));
        all.addAll(args);
        ChildProcess p = ProxyJar.start(jvmArgs, all, dir.resolve("proxy.log"));
        try {
            ProxyJar.awaitListening(p, port);
        } catch (AssertionError e) {
            p.close();
            throw e;
        }
        return new H2Target() {
            @Override
            int h2Port() {
                return port;
            }

            @Override
            int h1Port() {
                return port;
            }

            @Override
            long servingPid() {
                return p.pid();
            }

            @Override
            boolean alive() {
                return p.isAlive();
            }

            @Override
            String output() {
                return p.output();
            }

            @Override
            public void close() {
                p.close();
            }

            @Override
            public String toString() {
                return "proxy.jar " + String.join(" ", args);
            }
        };
    }

    /** nginx, one worker, as a load balancer in front of {@code backend}, its HTTP/2 limits like the proxy's flags. */
    static H2Target nginx(String backend, int maxConcurrentStreams, Path dir) {
        int h2 = FreePorts.pick();
        int h1 = FreePorts.pick();
        String user = "root".equals(System.getProperty("user.name")) ? "user root root;\n" : "";
        Path conf = dir.resolve("nginx.conf");
        try {
            Files.createDirectories(dir.resolve("tmp"));
            Files.writeString(conf, user + """
                    worker_processes 1;
                    daemon off;
                    pid %1$s/nginx.pid;
                    events { worker_connections 4096; }
                    http {
                      access_log off;
                      client_body_temp_path %1$s/tmp/body; proxy_temp_path %1$s/tmp/proxy;
                      fastcgi_temp_path %1$s/tmp/fastcgi; uwsgi_temp_path %1$s/tmp/uwsgi; scgi_temp_path %1$s/tmp/scgi;
                      http2_max_concurrent_streams %4$d;
                      upstream backend { server %2$s; keepalive 32; }
                      server {
                        listen 127.0.0.1:%3$d http2;
                        listen 127.0.0.1:%5$d;
                        location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection ""; }
                      }
                    }
                    """.formatted(dir, backend, h2, maxConcurrentStreams, h1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path errors = dir.resolve("error.log");
        ChildProcess p = ChildProcess.start("nginx-h2", List.of("nginx", "-p", dir.toString(), "-c", conf.toString(), "-e",
                errors.toString(), "-g", "error_log " + errors + " info;"), dir.resolve("nginx.out"));
        Poll.until(Duration.ofSeconds(10), "nginx listening", () -> NginxExtension.accepts(h2) && NginxExtension.accepts(h1));
        long worker = Poll.value(Duration.ofSeconds(10), "nginx's worker", () -> p.process().descendants().findFirst()
                .map(ProcessHandle::pid).orElse(null));
        return new H2Target() {
            @Override
            int h2Port() {
                return h2;
            }

            @Override
            int h1Port() {
                return h1;
            }

            @Override
            long servingPid() {
                return worker;
            }

            @Override
            boolean alive() {
                return p.isAlive() && ProcessHandle.of(worker).map(ProcessHandle::isAlive).orElse(false);
            }

            @Override
            String output() {
                try {
                    return p.output() + (Files.exists(errors) ? Files.readString(errors) : "");
                } catch (IOException e) {
                    return p.output();
                }
            }

            @Override
            public void close() {
                p.kill();
            }

            @Override
            public String toString() {
                return "nginx (listen http2)";
            }
        };
    }

    @Override
    public abstract void close();
}
