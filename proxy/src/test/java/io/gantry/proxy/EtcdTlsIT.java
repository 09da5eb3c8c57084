package io.gantry.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.common.EtcdSettings;
import io.gantry.common.HostPort;
import io.gantry.proxy.backend.Backend;
import io.gantry.testing.ChildProcess;
import io.gantry.testing.EtcdExtension;
import io.gantry.testing.FreePorts;
import io.gantry.testing.NginxExtension;
import io.gantry.testing.Poll;
import io.gantry.testing.EtcdCertificates;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The proxy reading and watching its backends from an etcd that serves only TLS and wants a client certificate. */
class EtcdTlsIT {

    private static final String PREFIX = "/services/website/";
    private static final Duration DEADLINE = Duration.ofSeconds(15);

    @RegisterExtension
    static final EtcdExtension etcd = EtcdExtension.builder().tls().build();

    @RegisterExtension
    static final NginxExtension nginx = new NginxExtension(2);

    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    @BeforeEach
    void oneBackend() {
        etcd.deletePrefix(PREFIX);
        etcd.put(PREFIX + "nginx@1", nginx.backend(1).address());
    }

    private static Proxy start(Path key) throws InterruptedException {
        EtcdCertificates certs = etcd.certificates();
        return Proxy.start(ProxyConfig.builder()
                .listen(new HostPort("127.0.0.1", 0))
                .admin(new HostPort("127.0.0.1", 0))
                .etcd(EtcdSettings.parse(etcd.endpoint()).withTls(new EtcdSettings.Tls(certs.ca(), certs.clientCert(), key)))
                .build());
    }

    private static Set<String> keys(Proxy proxy) {
        return proxy.backends().current().asList().stream().map(Backend::key).collect(Collectors.toSet());
    }

    private static String get(Proxy proxy) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.address().getPort() + "/"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() + " " + r.body().trim();
        } catch (Exception e) {
            throw new AssertionError("GET / failed: " + e, e);
        }
    }

    private ChildProcess proxyJar(List<String> etcdFlags) {
        List<String> args = new ArrayList<>(List.of("--listen", "127.0.0.1:" + FreePorts.pick(), "--admin", "127.0.0.1:" + FreePorts.pick()));
        args.addAll(etcdFlags);
        return ProxyJar.start(List.of(), args, dir.resolve("proxy-" + System.nanoTime() + ".log"));
    }

    @Test
    void backendsAreReadAndWatchedOverTlsWithAClientCertificate() throws Exception {
        try (Proxy proxy = start(etcd.certificates().clientKey())) {
            assertEquals(Set.of(PREFIX + "nginx@1"), keys(proxy));
            assertTrue(get(proxy).startsWith("200 ") && get(proxy).contains("backend-1"));
            etcd.put(PREFIX + "nginx@2", nginx.backend(2).address());
            Poll.until(DEADLINE, "nginx@2 watched in", () -> keys(proxy).size() == 2);
            Poll.until(DEADLINE, "backend-2 serving", () -> get(proxy).contains("backend-2"));
        }
    }

    @Test
    void aClientKeyInPkcs1FormWorksToo() throws Exception {
        try (Proxy proxy = start(etcd.certificates().clientKeyPkcs1())) {
            assertEquals(Set.of(PREFIX + "nginx@1"), keys(proxy));
        }
    }

    @Test
    void aMissingCaFileStopsTheJarWithExit2NamingTheFlagAndTheFile() {
        ChildProcess p = proxyJar(List.of("--etcd", etcd.endpoint(), "--etcd-cacert", dir.resolve("nope.pem").toString()));
        assertEquals(2, p.waitFor(Duration.ofSeconds(20)), p.output());
        assertEquals("proxy: --etcd-cacert " + dir.resolve("nope.pem") + ": no such file", p.output().strip());
    }

    @Test
    void anUntrustedEtcdIsOneLoggedLineAndTheProxyKeepsTrying() {
        EtcdCertificates certs = etcd.certificates();
        Path otherCa = EtcdCertificates.otherCa(dir.resolve("other"));
        try (ChildProcess p = proxyJar(List.of("--etcd", etcd.endpoint(), "--etcd-cacert", otherCa.toString(),
                "--etcd-cert", certs.clientCert().toString(), "--etcd-key", certs.clientKey().toString()))) {
            Poll.until(DEADLINE, "the proxy to say etcd is not trusted", () -> p.output().contains("and retrying"));
            Poll.until(DEADLINE, "the proxy to listen anyway", () -> p.output().contains("listening on"));
            String out = p.output();
            assertTrue(out.contains("(TLS handshake failed: unable to find valid certification path to requested target)"), out);
            assertFalse(out.contains("\tat "), "no stack trace: " + out);
            assertEquals(1, out.split(" and retrying", -1).length - 1, "one line, not one per retry: " + out);
            assertTrue(p.isAlive());
        }
    }
}
