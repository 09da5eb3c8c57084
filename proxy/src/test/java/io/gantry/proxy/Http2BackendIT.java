package io.gantry.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.common.EtcdSettings;
import io.gantry.common.HostPort;
import io.gantry.proxy.backend.BackendProtocol;
import io.gantry.testing.ChildProcess;
import io.gantry.testing.Commands;
import io.gantry.testing.EtcdExtension;
import io.gantry.testing.FreePorts;
import io.gantry.testing.Poll;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP/2 to backends, against nginx speaking h2c with prior knowledge: HTTP/1.1 and HTTP/2 clients
 * both reach it, a backend's stream limit and its GOAWAY (after {@code keepalive_requests}) cost no
 * request, and an etcd value's {@code "protocol"} chooses the protocol.
 */
class Http2BackendIT {

    @RegisterExtension
    static final EtcdExtension etcd = new EtcdExtension();

    @TempDir
    Path dir;

    /** nginx with an h2c listener: at most {@code streams} streams per connection, GOAWAY after {@code requests}. */
    private ChildProcess nginx(int port, int streams, int requests) throws Exception {
        Files.createDirectories(dir.resolve("logs"));
        Files.writeString(dir.resolve("nginx.conf"), """
                daemon off;
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log;
                events {}
                http {
                    access_log %1$s/access.log;
                    client_body_temp_path %1$s;
                    http2_max_concurrent_streams %2$d;
                    keepalive_requests %3$d;
                    server {
                        listen 127.0.0.1:%4$d http2;
                        location / { return 200 "h2c backend $server_protocol\\n"; }
                    }
                }
                """.formatted(dir, streams, requests, port));
        ChildProcess p = ChildProcess.start("nginx-h2c", List.of("nginx", "-p", dir.toString(), "-c",
                dir.resolve("nginx.conf").toString(), "-e", dir.resolve("error.log").toString()), dir.resolve("nginx.out"));
        Poll.until(Duration.ofSeconds(10), "nginx listening", () -> ProxyJar.accepts(port));
        return p;
    }

    private static ProxyConfig.Builder proxy() {
        return ProxyConfig.builder().listen(new HostPort("127.0.0.1", 0)).admin(new HostPort("127.0.0.1", 0)).h2c(true);
    }

    private static String url(Proxy proxy) {
        return "http://127.0.0.1:" + proxy.address().getPort() + "/";
    }

    @Test
    void http11AndHttp2ClientsReachAnH2cBackendOverHttp2() throws Exception {
        int port = FreePorts.pick();
        try (ChildProcess backend = nginx(port, 100, 1000);
                Proxy proxy = Proxy.start(proxy().backends(List.of(new HostPort("127.0.0.1", port)))
                        .backendProtocol(BackendProtocol.H2C).build())) {
            Commands.Result h1 = Commands.run("curl", "-s", "-w", "%{http_version}", url(proxy));
            assertEquals("h2c backend HTTP/2.0\n1.1", h1.output());
            Commands.Result h2 = Commands.run("curl", "-s", "--http2-prior-knowledge", "-w", "%{http_version}", url(proxy));
            assertEquals("h2c backend HTTP/2.0\n2", h2.output());
        }
    }

    @Test
    void theBackendsStreamLimitAndItsGoawayCostNoRequest() throws Exception {
        int port = FreePorts.pick();
        // Four streams a connection, GOAWAY after fifty requests: 2,000 requests, 100 at a time.
        try (ChildProcess backend = nginx(port, 4, 50);
                Proxy proxy = Proxy.start(proxy().backends(List.of(new HostPort("127.0.0.1", port)))
                        .backendProtocol(BackendProtocol.H2C).build())) {
            Commands.Result r = Commands.run(Duration.ofSeconds(60), "", List.of("h2load", "-n", "2000", "-c", "4", "-m", "25",
                    url(proxy)));
            assertTrue(r.output().contains("2000 succeeded, 0 failed"), r.output());
            Commands.Result h1 = Commands.run(Duration.ofSeconds(60), "", List.of("h2load", "--h1", "-n", "2000", "-c", "50",
                    url(proxy)));
            assertTrue(h1.output().contains("2000 succeeded, 0 failed"), h1.output());
        }
    }

    @Test
    void anEtcdValuesProtocolChoosesHttp2() throws Exception {
        int port = FreePorts.pick();
        try (ChildProcess backend = nginx(port, 100, 1000);
                Proxy proxy = Proxy.start(proxy().backends(List.of()).etcd(EtcdSettings.parse(etcd.endpoint()))
                        .prefix("/services/h2-site/").build())) {
            etcd.put("/services/h2-site/nginx@1", "{\"address\":\"127.0.0.1:" + port + "\",\"protocol\":\"h2c\"}");
            Poll.until(Duration.ofSeconds(10), "the backend to be served", () ->
                    Commands.run("curl", "-s", url(proxy)).output().startsWith("h2c backend"));
            assertEquals("h2c backend HTTP/2.0\n", Commands.run("curl", "-s", url(proxy)).output());
        }
    }
}
