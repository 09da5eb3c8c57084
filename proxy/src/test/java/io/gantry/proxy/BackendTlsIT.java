package io.gantry.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.common.EtcdSettings;
import io.gantry.common.HostPort;
import io.gantry.testing.EtcdExtension;
import io.gantry.testing.NginxExtension;
import io.gantry.testing.Poll;
import io.gantry.testing.TestCertificates;
import io.gantry.testing.RawHttp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Backends reached over TLS: real nginx serving HTTPS with certificates from a CA made for the run
 * (backend 1: trusted, for localhost and 127.0.0.1; backend 2: the same names from another CA;
 * backend 3: trusted, but for another name), found in etcd or given as a static list.
 */
class BackendTlsIT {

    private static final String PREFIX = "/services/website/";
    private static final Duration DEADLINE = Duration.ofSeconds(15);

    private static final Path certs = tempDir();
    private static final TestCertificates.Authority ca = TestCertificates.authority("Gantry test CA");
    private static final TestCertificates.Authority otherCa = TestCertificates.authority("Some other CA");
    private static final Path caFile = ca.write(certs.resolve("ca.crt"));

    @RegisterExtension
    static final EtcdExtension etcd = new EtcdExtension();

    @RegisterExtension
    static final NginxExtension nginx = new NginxExtension(3).withTls(i -> switch (i) {
        case 1 -> issue(ca, "trusted", "localhost", "127.0.0.1");
        case 2 -> issue(otherCa, "other-ca", "localhost", "127.0.0.1");
        default -> issue(ca, "other-name", "other.example");
    });

    /** A certificate from {@code by} for {@code names}, as {@code <base>.crt} (with the CA after it) and {@code <base>.key}. */
    private static NginxExtension.TlsFiles issue(TestCertificates.Authority by, String base, String... names) {
        Path cert = certs.resolve(base + ".crt");
        Path key = certs.resolve(base + ".key");
        by.issue(TestCertificates.KeyType.EC, names).write(cert, key, TestCertificates.KeyFormat.PKCS8);
        return new NginxExtension.TlsFiles(cert, key);
    }

    @AfterAll
    static void deleteCertificates() throws IOException {
        try (Stream<Path> files = Files.walk(certs)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("gantry-backend-tls");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code localhost:<port>} of nginx backend {@code i}: a name its certificate must carry. */
    private static String byName(int i) {
        return "localhost:" + nginx.backend(i).port();
    }

    private static ProxyConfig.Builder proxy() {
        return ProxyConfig.builder().listen(new HostPort("127.0.0.1", 0)).admin(new HostPort("127.0.0.1", 0))
                .eventLoops(1).backendCa(caFile);
    }

    private static Proxy startStatic(String... backends) throws InterruptedException {
        return Proxy.start(proxy().backendTls(true).backends(Stream.of(backends).map(HostPort::parse).toList()).build());
    }

    /** The fields of the last line of backend {@code i}'s access log: connection, request, ..., SNI name, protocol. */
    private static String[] lastLogLine(int i) {
        List<String> lines = nginx.backend(i).accessLog();
        return lines.get(lines.size() - 1).split("\\|");
    }

    private static String page(int i) {
        return "<html><body><h1>backend-" + i + "</h1></body></html>\n";
    }

    @Test
    void etcdBackendSayingTlsIsReachedOverVerifiedTlsWithSni() throws Exception {
        etcd.deletePrefix(PREFIX);
        etcd.put(PREFIX + "nginx@1", "{\"address\":\"" + byName(1) + "\",\"tls\":true}");
        try (Proxy proxy = Proxy.start(proxy().etcd(EtcdSettings.parse(etcd.endpoint())).build());
                RawHttp client = new RawHttp(proxy.address())) {
            Poll.until(DEADLINE, "the TLS backend read from etcd", () -> proxy.backends().current().size() == 1);
            assertTrue(proxy.backends().current().get(0).tls());
            RawHttp.Response r = client.get("/");
            assertEquals(200, r.status());
            assertEquals(page(1), r.text());
            String[] log = lastLogLine(1);
            assertEquals("localhost", log[6], "SNI name the backend was sent");
            assertTrue(log[7].startsWith("TLSv1."), log[7]);
        }
    }

    @Test
    void staticBackendTlsListIsVerifiedAgainstTheBackendCa() throws Exception {
        try (Proxy proxy = startStatic(byName(1)); RawHttp client = new RawHttp(proxy.address())) {
            RawHttp.Response r = client.get("/");
            assertEquals(200, r.status());
            assertEquals(page(1), r.text());
        }
    }

    @Test
    void ipLiteralBackendIsVerifiedAgainstTheCertificatesIpAndSentNoSni() throws Exception {
        try (Proxy proxy = startStatic(nginx.backend(1).address()); RawHttp client = new RawHttp(proxy.address())) {
            assertEquals(200, client.get("/").status());
            assertEquals("-", lastLogLine(1)[6], "no SNI for an IP literal");
        }
    }

    @Test
    void backendSignedByAnotherCaGets502() throws Exception {
        try (Proxy proxy = startStatic(byName(2)); RawHttp client = new RawHttp(proxy.address())) {
            RawHttp.Response r = client.get("/");
            assertEquals(502, r.status());
            assertTrue(r.text().contains("No backend could be reached"), r.text());
            assertEquals(1, proxy.metrics().backendErrors());
        }
    }

    @Test
    void withAnUntrustedBackendBesideRequestsGoToTheTrustedOne() throws Exception {
        int untrustedBefore = nginx.backend(2).accessLog().size();
        try (Proxy proxy = startStatic(byName(1), byName(2)); RawHttp client = new RawHttp(proxy.address())) {
            for (int i = 0; i < 6; i++) {
                RawHttp.Response r = client.get("/");
                assertEquals(200, r.status(), "request " + i);
                assertEquals(page(1), r.text());
            }
            assertEquals(1, proxy.metrics().backendErrors(), "the untrusted backend failed once, then was skipped");
        }
        assertEquals(untrustedBefore, nginx.backend(2).accessLog().size(), "no request reached the untrusted backend");
    }

    @Test
    void backendWhoseCertificateNamesAnotherHostGets502() throws Exception {
        int before = nginx.backend(3).accessLog().size();
        try (Proxy proxy = startStatic(byName(3)); RawHttp client = new RawHttp(proxy.address())) {
            assertEquals(502, client.get("/").status());
        }
        assertEquals(before, nginx.backend(3).accessLog().size(), "no request was sent to a backend of the wrong name");
    }

    @Test
    void handshakeThatNeverCompletesFailsWithinTheConnectTimeout() throws Exception {
        try (TestServers.Silent silent = new TestServers.Silent();
                Proxy proxy = Proxy.start(proxy().backendTls(true).connectTimeout(Duration.ofMillis(300))
                        .backends(List.of(HostPort.parse(silent.address()))).build());
                RawHttp client = new RawHttp(proxy.address())) {
            long start = System.nanoTime();
            assertEquals(502, client.get("/").status());
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis < 3000, "502 after " + millis + " ms");
        }
    }

    @Test
    void pooledTlsConnectionsAreReusedAcrossRequestsAndClients() throws Exception {
        int before = nginx.backend(1).accessLog().size();
        try (Proxy proxy = startStatic(byName(1))) {
            for (int c = 0; c < 3; c++) {
                try (RawHttp client = new RawHttp(proxy.address())) {
                    for (int i = 0; i < 4; i++) {
                        assertEquals(200, client.get("/").status());
                    }
                }
            }
        }
        List<String> lines = nginx.backend(1).accessLog();
        List<String> mine = lines.subList(before, lines.size());
        assertEquals(12, mine.size());
        assertEquals(1, mine.stream().map(l -> l.split("\\|")[0]).distinct().count(),
                "12 requests from 3 clients on one TLS connection: " + mine);
    }

    @Test
    void tlsAndCleartextBackendsAtOneAddressNeverShareAConnection() throws Exception {
        etcd.deletePrefix(PREFIX);
        etcd.put(PREFIX + "nginx@1", "{\"address\":\"" + byName(1) + "\",\"tls\":true}");
        etcd.put(PREFIX + "nginx@1-cleartext", byName(1)); // the same address, spoken to in cleartext
        try (Proxy proxy = Proxy.start(proxy().etcd(EtcdSettings.parse(etcd.endpoint())).build());
                RawHttp client = new RawHttp(proxy.address())) {
            Poll.until(DEADLINE, "both backends read from etcd", () -> proxy.backends().current().size() == 2);
            int ok = 0;
            int plainToTls = 0;
            for (int i = 0; i < 8; i++) {
                RawHttp.Response r = client.get("/");
                if (r.status() == 200) {
                    assertEquals(page(1), r.text());
                    ok++;
                } else {
                    assertEquals(400, r.status(), r.text());
                    assertTrue(r.text().contains("plain HTTP request was sent to HTTPS port"), r.text());
                    plainToTls++;
                }
            }
            assertEquals(4, ok, "TLS requests, each on the pooled TLS connection");
            assertEquals(4, plainToTls, "cleartext requests, never on the TLS connection");
        }
    }
}
