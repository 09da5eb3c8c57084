package io.gantry.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.testing.ChildProcess;
import io.gantry.testing.FreePorts;
import io.gantry.testing.NginxExtension;
import io.gantry.testing.Poll;
import io.gantry.testing.RawHttp;
import io.gantry.testing.TestCertificates;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code proxy.jar} as users run it: its command line, its memory under large bodies, its stop on SIGTERM. */
class ProxyJarIT {

    private static final long GIB = 1L << 30;

    @RegisterExtension
    static final NginxExtension nginx = new NginxExtension(1);

    @TempDir
    Path dir;

    private ChildProcess run(List<String> jvmArgs, String... args) {
        return ProxyJar.start(jvmArgs, List.of(args), dir.resolve("proxy-" + System.nanoTime() + ".log"));
    }

    @Test
    void unknownFlagIsOneLineNamingItAndExitStatus2() {
        ChildProcess p = run(List.of(), "--listne", "0.0.0.0:80");
        assertEquals(2, p.waitFor(Duration.ofSeconds(20)));
        String out = p.output().strip();
        assertEquals(1, out.lines().count(), out);
        assertTrue(out.startsWith("proxy: unknown option '--listne'; did you mean --listen?"), out);
    }

    @Test
    void badValueNamesTheFlag() {
        ChildProcess p = run(List.of(), "--listen", "8080", "--backend", "127.0.0.1:1");
        assertEquals(2, p.waitFor(Duration.ofSeconds(20)));
        assertTrue(p.output().contains("'--listen'") && p.output().contains("'8080' is not host:port"), p.output());
    }

    @Test
    void noBackendSourceIsAClearError() {
        ChildProcess p = run(List.of(), "--listen", "127.0.0.1:" + FreePorts.pick());
        assertEquals(2, p.waitFor(Duration.ofSeconds(20)));
        assertTrue(p.output().contains("no backends: give --etcd URL or --backend host:port"), p.output());
    }

    @Test
    void portInUseIsOneLineNamingTheFlag() throws IOException {
        try (var taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            ChildProcess p = run(List.of(), "--listen", "127.0.0.1:" + taken.getLocalPort(), "--admin",
                    "127.0.0.1:" + FreePorts.pick(), "--backend", nginx.backend(1).address());
            assertEquals(1, p.waitFor(Duration.ofSeconds(20)));
            assertTrue(p.output().contains("cannot start") && p.output().contains("--listen 127.0.0.1:" + taken.getLocalPort()),
                    p.output());
            assertFalse(p.output().contains("\tat "), "no stack trace: " + p.output());
        }
    }

    @Test
    void httpsListenerNamesItsTlsAndABrokenCertificateStopsTheStartNamingTheFile() throws IOException {
        TestCertificates.Authority ca = TestCertificates.authority("jar test CA");
        Path cert = dir.resolve("site.pem");
        Path key = dir.resolve("site.key");
        ca.issue(TestCertificates.KeyType.EC, "example.com").write(cert, key, TestCertificates.KeyFormat.TRADITIONAL);
        Files.writeString(dir.resolve("broken.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        ChildProcess broken = run(List.of(), "--tls-listen", "127.0.0.1:" + FreePorts.pick(), "--admin", "127.0.0.1:" + FreePorts.pick(),
                "--backend", nginx.backend(1).address(), "--tls-cert", dir.resolve("broken.pem").toString(), "--tls-key", key.toString());
        assertEquals(2, broken.waitFor(Duration.ofSeconds(30)));
        assertTrue(broken.output().contains("proxy: cannot start: " + dir.resolve("broken.pem") + ": not a PEM certificate chain"),
                broken.output());
        assertFalse(broken.output().contains("\tat "), "no stack trace: " + broken.output());

        ChildProcess unpaired = run(List.of(), "--tls-listen", "127.0.0.1:1", "--backend", "127.0.0.1:1", "--tls-cert", cert.toString());
        assertEquals(2, unpaired.waitFor(Duration.ofSeconds(20)));
        assertTrue(unpaired.output().contains("--tls-cert is given 1 times and --tls-key 0"), unpaired.output());

        int tls = FreePorts.pick();
        try (ChildProcess p = run(List.of(), "--tls-listen", "127.0.0.1:" + tls, "--admin", "127.0.0.1:" + FreePorts.pick(),
                "--backend", nginx.backend(1).address(), "--tls-cert", cert.toString(), "--tls-key", key.toString())) {
            ProxyJar.awaitListening(p, tls);
            Poll.until(Duration.ofSeconds(10), "the start-up line", () -> p.output().contains("listening on"));
            assertTrue(p.output().contains("/127.0.0.1:" + tls + " (HTTPS: OpenSSL (BoringSSL), certificates [[example.com]])"),
                    p.output());
            for (int i = 0; i < 3; i++) {
                try (RawHttp plain = new RawHttp("127.0.0.1", tls)) {
                    assertEquals(400, plain.get("/").status());
                }
            }
            Poll.until(Duration.ofSeconds(10), "the plaintext logged", () -> p.output().contains("plain HTTP sent to the HTTPS port"));
            assertEquals(1, p.output().lines().filter(l -> l.contains("plain HTTP sent to the HTTPS port")).count(),
                    "logged once, not per connection: " + p.output());
        }
    }

    @Test
    void configFileStartsTheProxyAndFlagsWin() throws IOException {
        int listen = FreePorts.pick();
        Path config = Files.writeString(dir.resolve("proxy.conf"), """
                # the proxy of the tests
                listen = 127.0.0.1:1
                admin = 127.0.0.1:%d
                backend = %s
                """.formatted(FreePorts.pick(), nginx.backend(1).address()));
        try (ChildProcess p = run(List.of(), "--config", config.toString(), "--listen", "127.0.0.1:" + listen)) {
            ProxyJar.awaitListening(p, listen);
            try (RawHttp client = new RawHttp("127.0.0.1", listen)) {
                assertTrue(client.get("/").text().contains("backend-1"));
            }
        }
    }

    private ChildProcess smallHeapProxy(int listen, String backend) {
        ChildProcess p = run(List.of("-Xmx64m", "-XX:MaxDirectMemorySize=64m"), "--listen", "127.0.0.1:" + listen,
                "--admin", "127.0.0.1:" + FreePorts.pick(), "--backend", backend);
        ProxyJar.awaitListening(p, listen);
        return p;
    }

    @Test
    void gigabyteDownloadPassesThroughA64MiBHeap() throws Exception {
        nginx.createFile("gigabyte", GIB);
        int listen = FreePorts.pick();
        try (ChildProcess p = smallHeapProxy(listen, nginx.backend(1).address());
                RawHttp client = new RawHttp("127.0.0.1", listen)) {
            RawHttp.Response r = client.get("/gigabyte");
            assertEquals(200, r.status());
            assertEquals(GIB, r.bodyLength());
            assertEquals(200, client.get("/").status(), "the connection is reusable after it");
            System.out.println("proxy peak RSS after a 1 GiB download: " + peakRssKib(p.pid()) / 1024 + " MiB");
            assertFalse(p.output().contains("OutOfMemoryError"), p.output());
        }
    }

    @Test
    void gigabyteUploadPassesThroughA64MiBHeap() throws Exception {
        int listen = FreePorts.pick();
        try (TestServers.UploadSink sink = new TestServers.UploadSink();
                ChildProcess p = smallHeapProxy(listen, sink.address());
                RawHttp client = new RawHttp("127.0.0.1", listen)) {
            client.send("POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: " + GIB + "\r\n\r\n");
            OutputStream out = client.output();
            byte[] block = new byte[1 << 16];
            for (long sent = 0; sent < GIB; sent += block.length) {
                out.write(block);
            }
            out.flush();
            RawHttp.Response r = client.read();
            assertEquals(200, r.status());
            assertEquals("received " + GIB + "\n", r.text());
            System.out.println("proxy peak RSS after a 1 GiB upload: " + peakRssKib(p.pid()) / 1024 + " MiB");
            assertFalse(p.output().contains("OutOfMemoryError"), p.output());
        }
    }

    private static long peakRssKib(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }

    @Test
    void sigtermLetsTheRequestInFlightFinishAndExitsZero() throws Exception {
        int listen = FreePorts.pick();
        try (TestServers.Gated gated = new TestServers.Gated();
                ChildProcess p = run(List.of(), "--listen", "127.0.0.1:" + listen, "--admin", "127.0.0.1:" + FreePorts.pick(),
                        "--backend", gated.address())) {
            ProxyJar.awaitListening(p, listen);
            RawHttp client = new RawHttp("127.0.0.1", listen);
            client.send("GET /slow HTTP/1.1\r\nHost: a\r\n\r\n");
            gated.awaitRequest();
            p.process().destroy(); // SIGTERM
            Poll.until(Duration.ofSeconds(10), "listener closed", () -> !ProxyJar.accepts(listen));
            gated.release();
            RawHttp.Response r = client.read();
            assertEquals(200, r.status());
            assertEquals("released\n", new String(r.body(), StandardCharsets.US_ASCII));
            assertEquals("close", r.header("connection"), "a draining proxy says it closes");
            assertEquals(0, p.waitFor(Duration.ofSeconds(15)), p.output());
            client.close();
        }
    }
}
