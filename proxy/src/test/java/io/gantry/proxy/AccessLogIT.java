package io.gantry.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gantry.common.EtcdSettings;
import io.gantry.common.HostPort;
import io.gantry.proxy.accesslog.AccessLogFormat;
import io.gantry.proxy.tls.TlsSettings;
import io.gantry.testing.ChildProcess;
import io.gantry.testing.Commands;
import io.gantry.testing.EtcdExtension;
import io.gantry.testing.FreePorts;
import io.gantry.testing.NginxExtension;
import io.gantry.testing.Poll;
import io.gantry.testing.RawHttp;
import io.gantry.testing.TestCertificates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The access log as operators read it: requests through the proxy to a real nginx, and the lines they leave. */
class AccessLogIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TIME_LOCAL = "\\[\\d{2}/[A-Z][a-z]{2}/\\d{4}:\\d{2}:\\d{2}:\\d{2} [+-]\\d{4}\\]";

    @RegisterExtension
    static final NginxExtension nginx = new NginxExtension(1);

    @RegisterExtension
    static final EtcdExtension etcd = new EtcdExtension();

    @TempDir
    Path dir;

    private ProxyConfig.Builder proxy(Path log, AccessLogFormat format) {
        return ProxyConfig.builder()
                .listen(new HostPort("127.0.0.1", 0))
                .admin(new HostPort("127.0.0.1", 0))
                .backends(List.of(HostPort.parse(nginx.backend(1).address())))
                .accessLog(log.toString())
                .accessLogFormat(format);
    }

    private static List<String> lines(Path log) {
        try {
            return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> awaitLines(Path log, int count) {
        return Poll.value(Duration.ofSeconds(10), count + " lines in " + log, () -> {
            List<String> l = lines(log);
            return l.size() >= count ? l : null;
        });
    }

    @Test
    void requestsAreLoggedInNginxCombinedFormat() throws Exception {
        Path log = dir.resolve("access.log");
        try (Proxy proxy = Proxy.start(proxy(log, AccessLogFormat.COMBINED).build()); RawHttp client = new RawHttp(proxy.address())) {
            RawHttp.Response r = client.send("GET /index.html?q=\"x\" HTTP/1.1\r\nHost: www.example.com\r\n"
                    + "Referer: http://ref.example/\r\nUser-Agent: test-agent/1.0\r\n\r\n").read();
            assertEquals(200, r.status());
            RawHttp.Response head = client.send("HEAD /index.html HTTP/1.1\r\nHost: www.example.com\r\n\r\n").readHead();
            assertEquals(200, head.status());
            List<String> lines = awaitLines(log, 2);
            String first = lines.get(0);
            assertTrue(first.matches("127\\.0\\.0\\.1 - - " + TIME_LOCAL
                    + " \"GET /index\\.html\\?q=\\\\x22x\\\\x22 HTTP/1\\.1\" 200 " + r.body().length
                    + " \"http://ref\\.example/\" \"test-agent/1\\.0\""), first);
            assertTrue(lines.get(1).matches("127\\.0\\.0\\.1 - - " + TIME_LOCAL + " \"HEAD /index\\.html HTTP/1\\.1\" 200 0 \"-\" \"-\""),
                    lines.get(1));
        }
    }

    @Test
    void jsonLineNamesTheBackendAndItsTime() throws Exception {
        Path log = dir.resolve("access.json");
        try (Proxy proxy = Proxy.start(proxy(log, AccessLogFormat.JSON).build()); RawHttp client = new RawHttp(proxy.address())) {
            RawHttp.Response r = client.send("POST /index.html HTTP/1.0\r\nHost: a\r\nContent-Length: 5\r\n"
                    + "User-Agent: caf\u00c3\u00a9 \"agent\"\r\n\r\nhello").read();
            JsonNode n = JSON.readTree(awaitLines(log, 1).get(0));
            assertEquals("127.0.0.1", n.get("client").asText());
            assertEquals("POST", n.get("method").asText());
            assertEquals("/index.html", n.get("uri").asText());
            assertEquals("HTTP/1.0", n.get("protocol").asText());
            assertEquals(r.status(), n.get("status").asInt());
            assertEquals(5, n.get("bytes_received").asInt());
            assertEquals(r.body().length, n.get("bytes_sent").asInt());
            assertEquals(nginx.backend(1).address(), n.get("backend").asText());
            assertEquals("catch-all", n.get("route").asText());
            assertEquals("static", n.get("service").asText());
            assertTrue(n.get("tls").isNull());
            assertEquals(0, n.get("retries").asInt());
            assertEquals("café \"agent\"", n.get("user_agent").asText());
            double request = n.get("request_time").asDouble();
            double backend = n.get("backend_time").asDouble();
            assertTrue(backend > 0 && backend <= request && request < 10, n.toString());
        }
    }

    @Test
    void proxyAnswersAreLoggedWithoutABackend() throws Exception {
        Path log = dir.resolve("answers.json");
        String prefix = "/services/empty-" + System.nanoTime() + "/";
        ProxyConfig config = proxy(log, AccessLogFormat.JSON).backends(List.of())
                .etcd(EtcdSettings.parse(etcd.endpoint())).prefix(prefix).build();
        try (Proxy proxy = Proxy.start(config); RawHttp client = new RawHttp(proxy.address())) {
            assertEquals(503, client.get("/nothing").status());
            try (RawHttp bad = new RawHttp(proxy.address())) {
                assertEquals(400, bad.send("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n").read().status());
            }
            try (RawHttp garbage = new RawHttp(proxy.address())) {
                assertEquals(400, garbage.send("\u0001\u0002 nonsense\r\n\r\n").read().status());
            }
            List<String> lines = awaitLines(log, 3);
            JsonNode unavailable = JSON.readTree(lines.get(0));
            assertEquals(503, unavailable.get("status").asInt());
            assertEquals("-", unavailable.get("backend").asText());
            assertTrue(unavailable.get("backend_time").isNull());
            assertEquals("/nothing", unavailable.get("uri").asText());
            assertEquals("catch-all", unavailable.get("route").asText());
            assertEquals(prefix.substring("/services/".length(), prefix.length() - 1), unavailable.get("service").asText());
            assertTrue(unavailable.get("bytes_sent").asInt() > 0);
            JsonNode invalid = JSON.readTree(lines.get(1));
            assertEquals(400, invalid.get("status").asInt());
            assertEquals("GET", invalid.get("method").asText());
            JsonNode unreadable = JSON.readTree(lines.get(2));
            assertEquals(400, unreadable.get("status").asInt());
            assertTrue(unreadable.get("method").isNull(), "no request line to log: " + unreadable);
        }
    }

    @Test
    void aClientThatLeavesBeforeTheAnswerIsLogged499WithTheBackendItWaitedFor() throws Exception {
        Path log = dir.resolve("gone.json");
        try (HandDrivenBackend backend = new HandDrivenBackend();
                Proxy proxy = Proxy.start(proxy(log, AccessLogFormat.JSON).backends(List.of(HostPort.parse(backend.address()))).build())) {
            try (RawHttp client = new RawHttp(proxy.address())) {
                client.send("GET /slow HTTP/1.1\r\nHost: a\r\n\r\n");
                try (Socket s = backend.accept()) {
                    assertEquals("GET /slow HTTP/1.1", HandDrivenBackend.readRequest(s).requestLine());
                    client.close(); // gone before the backend answers
                    JsonNode n = JSON.readTree(awaitLines(log, 1).get(0));
                    assertEquals(499, n.get("status").asInt());
                    assertEquals(backend.address(), n.get("backend").asText());
                    assertEquals("/slow", n.get("uri").asText());
                    assertEquals(0, n.get("bytes_sent").asInt());
                }
            }
        }
    }

    @Test
    void httpsRequestLogsItsTlsVersionAndPlainHttpOnItsPortIsLogged() throws Exception {
        TestCertificates.Authority ca = TestCertificates.authority("access log test CA");
        Path cert = dir.resolve("site.pem");
        Path key = dir.resolve("site.key");
        ca.issue(TestCertificates.KeyType.EC, "example.com").write(cert, key, TestCertificates.KeyFormat.PKCS8);
        Path log = dir.resolve("tls.json");
        ProxyConfig config = proxy(log, AccessLogFormat.JSON).tlsListen(new HostPort("127.0.0.1", 0))
                .tls(new TlsSettings(List.of(new TlsSettings.CertificateFiles(cert, key)), List.of(), null,
                        TlsSettings.DEFAULT_PROTOCOLS, TlsSettings.DEFAULT_CIPHERS))
                .build();
        try (Proxy proxy = Proxy.start(config)) {
            int port = proxy.tlsAddress().getPort();
            for (String version : List.of("--tlsv1.2 --tls-max 1.2", "--tlsv1.3")) {
                List<String> command = new java.util.ArrayList<>(List.of("curl", "-sS", "--max-time", "10", "--cacert",
                        ca.write(dir.resolve("ca.pem")).toString(), "--resolve", "example.com:" + port + ":127.0.0.1", "-o", "/dev/null",
                        "-w", "%{http_code}"));
                command.addAll(List.of(version.split(" ")));
                command.add("https://example.com:" + port + "/index.html");
                Commands.Result r = Commands.run(Duration.ofSeconds(20), "", command);
                assertTrue(r.ok() && r.output().endsWith("200"), r.output());
            }
            try (RawHttp plain = new RawHttp(proxy.tlsAddress())) {
                assertEquals(400, plain.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n").read().status());
            }
            List<String> lines = awaitLines(log, 3);
            assertEquals("TLSv1.2", JSON.readTree(lines.get(0)).get("tls").asText(), lines.get(0));
            assertEquals("TLSv1.3", JSON.readTree(lines.get(1)).get("tls").asText(), lines.get(1));
            JsonNode plain = JSON.readTree(lines.get(2));
            assertEquals(400, plain.get("status").asInt(), "plain HTTP to the HTTPS port, as nginx logs it");
            assertEquals(58, plain.get("bytes_sent").asInt());
            assertTrue(plain.get("tls").isNull() && plain.get("method").isNull(), plain.toString());
        }
    }

    @Test
    void sigusr1AfterTheFileWasRenamedWritesToANewFile() throws Exception {
        Path log = dir.resolve("access.log");
        int port = FreePorts.pick();
        try (ChildProcess p = ProxyJar.start(List.of(), List.of("--listen", "127.0.0.1:" + port, "--admin", "127.0.0.1:" + FreePorts.pick(),
                "--backend", nginx.backend(1).address(), "--access-log", log.toString()), dir.resolve("proxy.out"))) {
            ProxyJar.awaitListening(p, port);
            try (RawHttp client = new RawHttp("127.0.0.1", port)) {
                assertEquals(404, client.get("/before-rotation").status());
            }
            awaitLines(log, 1);
            Path rotated = dir.resolve("access.log.1");
            Files.move(log, rotated); // what logrotate does, before its postrotate "kill -USR1"
            assertEquals(0, Commands.run("kill", "-USR1", Long.toString(p.pid())).status());
            Poll.until(Duration.ofSeconds(10), "the file reopened under its name", () -> Files.exists(log));
            try (RawHttp client = new RawHttp("127.0.0.1", port)) {
                assertEquals(404, client.get("/after-rotation").status());
            }
            List<String> fresh = awaitLines(log, 1);
            assertEquals(1, fresh.size(), fresh.toString());
            assertTrue(fresh.get(0).contains("\"GET /after-rotation HTTP/1.1\" 404 "), fresh.get(0));
            List<String> old = lines(rotated);
            assertEquals(1, old.size(), old.toString());
            assertTrue(old.get(0).contains("\"GET /before-rotation HTTP/1.1\" 404 "), old.get(0));
            assertTrue(p.isAlive(), "SIGUSR1 does not stop the proxy");
            assertFalse(p.output().contains("Exception"), p.output());
        }
    }
}
