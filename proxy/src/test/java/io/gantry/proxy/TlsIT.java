package io.gantry.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.common.EtcdSettings;
import io.gantry.common.HostPort;
import io.gantry.proxy.tls.TlsSettings;
import io.gantry.proxy.tls.TlsSettings.CertificateFiles;
import io.gantry.testing.Commands;
import io.gantry.testing.EtcdExtension;
import io.gantry.testing.NginxExtension;
import io.gantry.testing.Poll;
import io.gantry.testing.RawHttp;
import io.gantry.testing.TestCertificates;
import io.gantry.testing.TestCertificates.KeyFormat;
import io.gantry.testing.TestCertificates.KeyType;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTPS listener as browsers and operators meet it, through real clients: curl, openssl s_client
 * and sslscan, against certificates made for the test, in front of a real nginx.
 */
class TlsIT {

    @RegisterExtension
    static final NginxExtension nginx = new NginxExtension(1);

    @RegisterExtension
    static final EtcdExtension etcd = new EtcdExtension();

    private static final TestCertificates.Authority CA = TestCertificates.authority("Gantry test CA");

    @TempDir
    Path dir;

    private Path caFile() {
        return CA.write(dir.resolve("ca.pem"));
    }

    private CertificateFiles files(String name, KeyType type, KeyFormat format, String... names) {
        Path cert = dir.resolve(name + ".pem");
        Path key = dir.resolve(name + ".key");
        CA.issue(type, names).write(cert, key, format);
        return new CertificateFiles(cert, key);
    }

    private static TlsSettings settings(List<CertificateFiles> pairs, List<Path> dirs, String etcdPrefix) {
        return new TlsSettings(pairs, dirs, etcdPrefix, TlsSettings.DEFAULT_PROTOCOLS, TlsSettings.DEFAULT_CIPHERS);
    }

    private static ProxyConfig.Builder proxy(TlsSettings tls) {
        return ProxyConfig.builder()
                .listen(new HostPort("127.0.0.1", 0))
                .tlsListen(new HostPort("127.0.0.1", 0))
                .admin(new HostPort("127.0.0.1", 0))
                .tls(tls)
                .backends(List.of(HostPort.parse(nginx.backend(1).address())));
    }

    /** The certificate the listener serves for {@code serverName} (null: no SNI), as openssl s_client sees it. */
    private static X509Certificate served(Proxy proxy, String serverName) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + proxy.tlsAddress().getPort()));
        command.addAll(serverName == null ? List.of("-noservername") : List.of("-servername", serverName));
        Commands.Result r = Commands.run(Duration.ofSeconds(20), "", command);
        int begin = r.output().indexOf("-----BEGIN CERTIFICATE-----");
        assertTrue(begin >= 0, "no certificate served:\n" + r.output());
        int end = r.output().indexOf("-----END CERTIFICATE-----", begin) + "-----END CERTIFICATE-----".length();
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                new ByteArrayInputStream(r.output().substring(begin, end).getBytes(StandardCharsets.US_ASCII)));
    }

    private static String cn(X509Certificate c) {
        return c.getSubjectX500Principal().getName().replaceFirst("^CN=", "");
    }

    /** curl over https to {@code name} on the listener, verifying against the test CA; returns status and body. */
    private Commands.Result curl(Proxy proxy, String name, String path, String... extra) {
        int port = proxy.tlsAddress().getPort();
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "10", "--cacert", caFile().toString(),
                "--resolve", name + ":" + port + ":127.0.0.1", "-w", "\n%{http_code}"));
        command.addAll(List.of(extra));
        command.add("https://" + name + ":" + port + path);
        return Commands.run(Duration.ofSeconds(20), "", command);
    }

    @Test
    void sniPicksTheCertificateByNameExactBeforeWildcard() throws Exception {
        CertificateFiles site = files("site", KeyType.EC, KeyFormat.PKCS8, "example.com", "www.example.com");
        CertificateFiles wildcard = files("wild", KeyType.RSA, KeyFormat.TRADITIONAL, "*.example.com");
        CertificateFiles api = files("api", KeyType.EC, KeyFormat.TRADITIONAL, "api.example.com");
        try (Proxy proxy = Proxy.start(proxy(settings(List.of(site, wildcard, api), List.of(), null)).build())) {
            assertEquals("example.com", cn(served(proxy, "www.example.com")));
            assertEquals("*.example.com", cn(served(proxy, "shop.example.com")));
            assertEquals("api.example.com", cn(served(proxy, "api.example.com")));
            for (String name : List.of("example.com", "www.example.com", "shop.example.com", "api.example.com")) {
                Commands.Result r = curl(proxy, name, "/");
                assertTrue(r.ok() && r.output().endsWith("\n200"), name + ": curl verified the certificate and got 200:\n" + r.output());
            }
        }
    }

    @Test
    void noSniOrAnUnknownNameGetsTheFirstCertificate() throws Exception {
        CertificateFiles first = files("first", KeyType.EC, KeyFormat.PKCS8, "first.example");
        CertificateFiles second = files("second", KeyType.EC, KeyFormat.PKCS8, "second.example");
        try (Proxy proxy = Proxy.start(proxy(settings(List.of(first, second), List.of(), null)).build())) {
            assertEquals("first.example", cn(served(proxy, null)));
            assertEquals("first.example", cn(served(proxy, "unknown.example")));
            assertEquals("second.example", cn(served(proxy, "second.example")));
            try (RawHttp admin = new RawHttp(proxy.adminAddress())) {
                String status = admin.get("/status").text();
                assertTrue(status.contains("{ \"origin\" : \"" + first.cert() + "\", \"names\" : [\"first.example\"], \"not_after\" : \""),
                        status);
                assertTrue(status.contains("\"default\" : true"), status);
                String metrics = admin.get("/metrics").text();
                assertTrue(metrics.contains("gantry_tls_certificate_expiry_timestamp_seconds{origin=\"" + second.cert() + "\"} "), metrics);
            }
        }
    }

    @Test
    void tls10And11AreRefusedUnlessAsked() throws Exception {
        CertificateFiles site = files("site", KeyType.EC, KeyFormat.PKCS8, "example.com");
        try (Proxy proxy = Proxy.start(proxy(settings(List.of(site), List.of(), null)).build())) {
            for (String old : List.of("-tls1", "-tls1_1")) {
                assertFalse(handshake(proxy, old).ok(), old + " must be refused");
            }
            for (String current : List.of("-tls1_2", "-tls1_3")) {
                Commands.Result r = handshake(proxy, current);
                assertTrue(r.ok(), current + ":\n" + r.output());
            }
        }
        // The same client does speak TLS 1.1 to a listener told to: the refusal above is the proxy's.
        TlsSettings legacy = new TlsSettings(List.of(site), List.of(), null, List.of("TLSv1.1", "TLSv1.2"),
                List.of("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"));
        try (Proxy proxy = Proxy.start(proxy(legacy).build())) {
            Commands.Result r = handshake(proxy, "-tls1_1");
            assertTrue(r.ok(), "TLS 1.1 when --tls-protocols allows it:\n" + r.output());
        }
    }

    private static Commands.Result handshake(Proxy proxy, String protocol) {
        return Commands.run(Duration.ofSeconds(20), "", List.of("openssl", "s_client", "-connect",
                "127.0.0.1:" + proxy.tlsAddress().getPort(), protocol, "-cipher", "DEFAULT@SECLEVEL=0", "-brief"));
    }

    @Test
    void sessionsResumeOverTls12AndTls13AndAlpnPrefersH2() throws Exception {
        CertificateFiles site = files("site", KeyType.EC, KeyFormat.PKCS8, "example.com");
        try (Proxy proxy = Proxy.start(proxy(settings(List.of(site), List.of(), null)).build())) {
            String request = "GET / HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n";
            for (String protocol : List.of("-tls1_2", "-tls1_3")) {
                Path session = dir.resolve("session" + protocol);
                List<String> base = List.of("openssl", "s_client", "-connect", "127.0.0.1:" + proxy.tlsAddress().getPort(),
                        "-servername", "example.com", protocol, "-ign_eof");
                Commands.Result first = Commands.run(Duration.ofSeconds(20), request, concat(base, "-sess_out", session.toString()));
                assertTrue(first.output().contains("New, TLS"), first.output());
                Commands.Result second = Commands.run(Duration.ofSeconds(20), request, concat(base, "-sess_in", session.toString()));
                assertTrue(second.output().contains("Reused, TLS"), protocol + " resumed:\n" + second.output());
                assertTrue(second.output().contains("HTTP/1.1 200 OK"), second.output());
            }
            assertTrue(alpn(proxy, "h2,http/1.1").contains("ALPN protocol: h2"));
            assertTrue(alpn(proxy, "http/1.1").contains("ALPN protocol: http/1.1"));
        }
        TlsSettings http11Only = new TlsSettings(List.of(site), List.of(), null, TlsSettings.DEFAULT_PROTOCOLS,
                TlsSettings.DEFAULT_CIPHERS, List.of("http/1.1")); // --no-http2
        try (Proxy proxy = Proxy.start(proxy(http11Only).build())) {
            assertTrue(alpn(proxy, "h2,http/1.1").contains("ALPN protocol: http/1.1"));
        }
    }

    private static String alpn(Proxy proxy, String offered) {
        Commands.Result r = Commands.run(Duration.ofSeconds(20), "", List.of("openssl", "s_client", "-connect",
                "127.0.0.1:" + proxy.tlsAddress().getPort(), "-alpn", offered));
        assertTrue(r.output().contains("ALPN protocol:"), r.output());
        return r.output();
    }

    @Test
    void aTicketOutlivesOneKeyRotationAndNotTwo() throws Exception {
        CertificateFiles site = files("site", KeyType.EC, KeyFormat.PKCS8, "example.com");
        try (Proxy proxy = Proxy.start(proxy(settings(List.of(site), List.of(), null)).build())) {
            String request = "GET / HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n";
            Path session = dir.resolve("ticket");
            // TLS 1.3 resumes by ticket alone, so what the keys decrypt is what resumes.
            List<String> base = List.of("openssl", "s_client", "-connect", "127.0.0.1:" + proxy.tlsAddress().getPort(),
                    "-servername", "example.com", "-tls1_3", "-ign_eof");
            Commands.run(Duration.ofSeconds(20), request, concat(base, "-sess_out", session.toString()));
            proxy.tls().rotateTicketKeys();
            Commands.Result afterOne = Commands.run(Duration.ofSeconds(20), request, concat(base, "-sess_in", session.toString()));
            assertTrue(afterOne.output().contains("Reused, TLS"), "the previous key still decrypts:\n" + afterOne.output());
            Path fresh = dir.resolve("ticket2");
            Commands.run(Duration.ofSeconds(20), request, concat(base, "-sess_out", fresh.toString()));
            proxy.tls().rotateTicketKeys();
            proxy.tls().rotateTicketKeys();
            Commands.Result afterTwo = Commands.run(Duration.ofSeconds(20), request, concat(base, "-sess_in", fresh.toString()));
            assertTrue(afterTwo.output().contains("New, TLS"), "two rotations later the key is gone:\n" + afterTwo.output());
            assertTrue(afterTwo.output().contains("HTTP/1.1 200 OK"), afterTwo.output());
        }
    }

    private static List<String> concat(List<String> a, String... b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(List.of(b));
        return all;
    }

    @Test
    void renewedCertificateReachesNewConnectionsWhileOpenOnesCarryOn() throws Exception {
        Path cert = dir.resolve("site.pem");
        Path key = dir.resolve("site.key");
        BigInteger before = CA.issue(KeyType.EC, "example.com").write(cert, key, KeyFormat.PKCS8).serial();
        try (Proxy proxy = Proxy.start(proxy(settings(List.of(new CertificateFiles(cert, key)), List.of(), null)).build());
                SSLSocket open = connect(proxy, "example.com")) {
            assertEquals(200, get(open, "/").status());
            BigInteger after = CA.issue(KeyType.EC, "example.com").write(cert, key, KeyFormat.PKCS8).serial();
            long renewed = System.nanoTime();
            Poll.until(Duration.ofSeconds(10), "the renewal served to new connections",
                    () -> after.equals(unchecked(() -> served(proxy, "example.com").getSerialNumber())));
            System.out.printf("renewal served %d ms after the files were replaced%n", (System.nanoTime() - renewed) / 1_000_000);
            assertEquals(200, get(open, "/").status(), "the connection opened before the renewal carries on");
            assertEquals(before, ((X509Certificate) open.getSession().getPeerCertificates()[0]).getSerialNumber());
        }
    }

    @Test
    void brokenOrMismatchedRenewalIsRefusedAndThePreviousCertificateStays() throws Exception {
        Path cert = dir.resolve("site.pem");
        Path key = dir.resolve("site.key");
        BigInteger good = CA.issue(KeyType.EC, "example.com").write(cert, key, KeyFormat.PKCS8).serial();
        try (Proxy proxy = Proxy.start(proxy(settings(List.of(new CertificateFiles(cert, key)), List.of(), null)).build())) {
            Files.writeString(cert, CA.issue(KeyType.EC, "example.com").chainPem()); // the key file keeps the old key
            Poll.until(Duration.ofSeconds(10), "the mismatch refused", () -> proxy.metrics().certificatesRefused() == 1);
            assertEquals(good, served(proxy, "example.com").getSerialNumber());
            Files.writeString(cert, "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");
            Poll.until(Duration.ofSeconds(10), "the broken file refused", () -> proxy.metrics().certificatesRefused() == 2);
            assertEquals(good, served(proxy, "example.com").getSerialNumber());
            BigInteger fixed = CA.issue(KeyType.EC, "example.com").write(cert, key, KeyFormat.PKCS8).serial();
            Poll.until(Duration.ofSeconds(10), "the good renewal served",
                    () -> fixed.equals(unchecked(() -> served(proxy, "example.com").getSerialNumber())));
            assertEquals(2, proxy.metrics().certificatesRefused());
        }
    }

    @Test
    void certbotLayoutIsReadAndARenewalBySymlinkIsServed() throws Exception {
        Path live = dir.resolve("letsencrypt/live");
        Path archive = dir.resolve("letsencrypt/archive");
        BigInteger first = certbotIssue(live, archive, "example.com", 1);
        certbotIssue(live, archive, "other.example", 1);
        Files.writeString(live.resolve("README"), "This directory contains your keys and certificates.\n");
        try (Proxy proxy = Proxy.start(proxy(settings(List.of(), List.of(live), null)).build())) {
            assertEquals(first, served(proxy, "example.com").getSerialNumber());
            assertEquals("other.example", cn(served(proxy, "other.example")));
            BigInteger renewed = certbotIssue(live, archive, "example.com", 2);
            Poll.until(Duration.ofSeconds(10), "certbot's renewal served",
                    () -> renewed.equals(unchecked(() -> served(proxy, "example.com").getSerialNumber())));
            certbotIssue(live, archive, "new.example", 1);
            Poll.until(Duration.ofSeconds(10), "a new certificate directory served",
                    () -> "new.example".equals(unchecked(() -> cn(served(proxy, "new.example")))));
            Commands.Result r = curl(proxy, "new.example", "/");
            assertTrue(r.ok() && r.output().endsWith("\n200"), r.output());
        }
    }

    /** Does what certbot does: new files in archive/NAME, the live/NAME links pointed at them. */
    private static BigInteger certbotIssue(Path live, Path archive, String name, int version) throws Exception {
        Path a = Files.createDirectories(archive.resolve(name));
        Path l = Files.createDirectories(live.resolve(name));
        TestCertificates.Issued issued = CA.issue(KeyType.EC, name)
                .write(a.resolve("fullchain" + version + ".pem"), a.resolve("privkey" + version + ".pem"), KeyFormat.PKCS8);
        for (String file : List.of("fullchain", "privkey")) {
            Path link = l.resolve(file + ".pem");
            Path tmp = l.resolve(file + ".pem.new");
            Files.deleteIfExists(tmp);
            Files.createSymbolicLink(tmp, Path.of("../../archive", name, file + version + ".pem"));
            Files.move(tmp, link, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        return issued.serial();
    }

    @Test
    void certificatesInEtcdAreServedAndRenewedOnEveryNode() throws Exception {
        String prefix = "/gantry/tls/";
        etcd.deletePrefix(prefix);
        etcd.put("/services/tls-site/nginx@1", nginx.backend(1).address());
        TestCertificates.Issued site = CA.issue(KeyType.EC, "example.com");
        etcd.put(prefix + "example.com", json(site.chainPem(), site.keyPem(KeyFormat.TRADITIONAL)));
        ProxyConfig.Builder b = proxy(settings(List.of(), List.of(), prefix))
                .backends(List.of()).etcd(EtcdSettings.parse(etcd.endpoint())).prefix("/services/tls-site/");
        try (Proxy one = Proxy.start(b.build()); Proxy two = Proxy.start(b.build())) {
            for (Proxy node : List.of(one, two)) {
                assertEquals(site.serial(), served(node, "example.com").getSerialNumber());
                Commands.Result r = curl(node, "example.com", "/");
                assertTrue(r.ok() && r.output().endsWith("\n200"), r.output());
            }
            TestCertificates.Issued renewal = CA.issue(KeyType.EC, "example.com");
            etcd.put(prefix + "example.com", json(renewal.chainPem(), renewal.keyPem(KeyFormat.PKCS8)));
            for (Proxy node : List.of(one, two)) {
                Poll.until(Duration.ofSeconds(10), "the renewal written once reaches every node",
                        () -> renewal.serial().equals(unchecked(() -> served(node, "example.com").getSerialNumber())));
            }
            etcd.put(prefix + "example.com", "{\"cert\": \"garbage\"}");
            Poll.until(Duration.ofSeconds(10), "the malformed value refused, on both nodes", () -> one.metrics().certificatesRefused() == 1
                    && two.metrics().certificatesRefused() == 1);
            TestCertificates.Issued api = CA.issue(KeyType.EC, "api.example.com");
            etcd.put(prefix + "api.example.com", json(api.chainPem(), api.keyPem(KeyFormat.PKCS8)));
            Poll.until(Duration.ofSeconds(10), "the next key served",
                    () -> "api.example.com".equals(unchecked(() -> cn(served(one, "api.example.com")))));
            assertEquals(renewal.serial(), served(one, "example.com").getSerialNumber(), "a malformed value affects only its key");
        }
    }

    private static String json(String cert, String key) {
        return "{\"cert\": \"" + cert.replace("\r", "").replace("\n", "\\n") + "\", \"key\": \""
                + key.replace("\r", "").replace("\n", "\\n") + "\"}";
    }

    @Test
    void cleartextIsRedirectedExceptAcmeChallengesAndHttpsCarriesHsts() throws Exception {
        CertificateFiles site = files("site", KeyType.EC, KeyFormat.PKCS8, "example.com");
        nginx.createFile(".well-known/acme-challenge/token1", 10);
        try (Proxy proxy = Proxy.start(proxy(settings(List.of(site), List.of(), null)).httpRedirect(true)
                .hsts(Duration.ofDays(365)).build()); RawHttp client = new RawHttp(proxy.address())) {
            int https = proxy.tlsAddress().getPort();
            RawHttp.Response r = client.send("GET /a/b?c=d HTTP/1.1\r\nHost: example.com:8080\r\n\r\n").read();
            assertEquals(308, r.status());
            assertEquals("https://example.com:" + https + "/a/b?c=d", r.header("location"));
            assertNull(r.header("strict-transport-security"), "no HSTS over cleartext");
            RawHttp.Response acme = client.send("GET /.well-known/acme-challenge/token1 HTTP/1.1\r\nHost: example.com\r\n\r\n").read();
            assertEquals(200, acme.status(), "ACME challenges still reach the backend");
            Commands.Result secure = curl(proxy, "example.com", "/", "-i");
            assertTrue(secure.output().toLowerCase().contains("strict-transport-security: max-age=31536000"), secure.output());
        }
    }

    @Test
    void requestsOverTlsSayHttpsToTheBackend() throws Exception {
        CertificateFiles site = files("site", KeyType.EC, KeyFormat.PKCS8, "example.com");
        try (Proxy proxy = Proxy.start(proxy(settings(List.of(site), List.of(), null)).build());
                RawHttp client = new RawHttp(proxy.address())) {
            Commands.Result r = curl(proxy, "example.com", "/headers");
            assertTrue(r.output().contains("xfp=https\n"), r.output());
            assertTrue(client.get("/headers").text().contains("xfp=http\n"), "cleartext stays http");
        }
    }

    @Test
    void plainHttpToTheTlsPortGetsA400SayingSo() throws Exception {
        CertificateFiles site = files("site", KeyType.EC, KeyFormat.PKCS8, "example.com");
        try (Proxy proxy = Proxy.start(proxy(settings(List.of(site), List.of(), null)).build());
                RawHttp client = new RawHttp(proxy.tlsAddress())) {
            RawHttp.Response r = client.send("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n").read();
            assertEquals(400, r.status());
            assertTrue(r.text().contains("plain HTTP request was sent to HTTPS port"), r.text());
            assertTrue(client.closedByPeer(5000));
            assertEquals(1, proxy.metrics().tlsHandshakes("plaintext"));
        }
    }

    @Test
    void aStalledHandshakeIsCutOffAtTheHeaderTimeout() throws Exception {
        CertificateFiles site = files("site", KeyType.EC, KeyFormat.PKCS8, "example.com");
        try (Proxy proxy = Proxy.start(proxy(settings(List.of(site), List.of(), null))
                .clientHeaderTimeout(Duration.ofMillis(500)).build());
                RawHttp silent = new RawHttp(proxy.tlsAddress());
                RawHttp partial = new RawHttp(proxy.tlsAddress())) {
            partial.send(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00}); // a ClientHello's first bytes, then nothing
            assertTrue(silent.closedByPeer(5000), "a client that never starts is cut off");
            assertTrue(partial.closedByPeer(5000), "a ClientHello that never ends is cut off");
            Poll.until(Duration.ofSeconds(5), "both counted", () -> proxy.metrics().tlsHandshakes("timeout") == 2);
        }
    }

    @Test
    void garbageHellosAndAFloodOfHandshakesLeaveOtherClientsServed() throws Exception {
        CertificateFiles site = files("site", KeyType.EC, KeyFormat.PKCS8, "example.com");
        try (Proxy proxy = Proxy.start(proxy(settings(List.of(site), List.of(), null)).build())) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<?>> attackers = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    attackers.add(pool.submit(() -> {
                        for (int i = 0; i < 25; i++) { // 200 hostile connections in all
                            try (Socket s = new Socket("127.0.0.1", proxy.tlsAddress().getPort())) {
                                s.getOutputStream().write(i % 2 == 0 ? garbageClientHello() : noise());
                                s.setSoTimeout(5000);
                                while (s.getInputStream().read() >= 0) {
                                    // the proxy alerts and closes
                                }
                            } catch (Exception e) {
                                // a reset is as good as a close
                            }
                        }
                        return null;
                    }));
                }
                for (int i = 0; i < 5; i++) {
                    Commands.Result r = curl(proxy, "example.com", "/");
                    assertTrue(r.ok() && r.output().endsWith("\n200"), "served during the flood:\n" + r.output());
                }
                for (Future<?> f : attackers) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            Commands.Result after = curl(proxy, "example.com", "/");
            assertTrue(after.ok() && after.output().endsWith("\n200"), after.output());
            assertTrue(proxy.metrics().tlsHandshakes("failed") >= 200, "each hostile hello counted: " + proxy.metrics().tlsHandshakes("failed"));
        }
    }

    /** A TLS record holding a ClientHello of 256 bytes of noise: framed well, meaningless inside. */
    private static byte[] garbageClientHello() {
        byte[] hello = new byte[5 + 4 + 256];
        ThreadLocalRandom.current().nextBytes(hello);
        byte[] head = {0x16, 0x03, 0x01, 0x01, 0x04, 0x01, 0x00, 0x01, 0x00};
        System.arraycopy(head, 0, hello, 0, head.length);
        return hello;
    }

    /** Bytes that are neither TLS nor HTTP. */
    private static byte[] noise() {
        byte[] b = new byte[64];
        ThreadLocalRandom.current().nextBytes(b);
        b[0] = 0;
        return b;
    }

    @Test
    void sslscanFindsNoWeakProtocolOrCipher() throws Exception {
        CertificateFiles ec = files("ec", KeyType.EC, KeyFormat.PKCS8, "example.com");
        CertificateFiles rsa = files("rsa", KeyType.RSA, KeyFormat.TRADITIONAL, "rsa.example.com");
        try (Proxy proxy = Proxy.start(proxy(settings(List.of(ec, rsa), List.of(), null)).build())) {
            for (String name : List.of("example.com", "rsa.example.com")) {
                Commands.Result r = Commands.run(Duration.ofSeconds(60), "", List.of("sslscan", "--no-colour",
                        "--sni-name=" + name, "127.0.0.1:" + proxy.tlsAddress().getPort()));
                String out = r.output();
                for (String p : List.of("SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1")) {
                    assertTrue(out.matches("(?s).*\\n" + p.replace(".", "\\.") + "\\s+disabled.*"), p + " disabled:\n" + out);
                }
                assertTrue(out.matches("(?s).*\\nTLSv1\\.3\\s+enabled.*"), out);
                List<String> accepted = out.lines().filter(l -> l.startsWith("Accepted") || l.startsWith("Preferred")).toList();
                assertFalse(accepted.isEmpty(), out);
                for (String line : accepted) {
                    assertTrue(line.contains("GCM") || line.contains("CHACHA20"), "only AEAD ciphers with forward secrecy: " + line);
                    assertFalse(line.matches(".*\\b(RC4|DES|3DES|NULL|EXP|MD5|anon|CBC)\\b.*"), line);
                    assertTrue(line.contains("TLS_") || line.contains("ECDHE"), "forward secret: " + line);
                }
                assertFalse(out.contains("vulnerable to heartbleed") && !out.contains("not vulnerable"), out);
                assertTrue(out.contains("Session renegotiation not supported") || out.contains("Secure session renegotiation"), out);
            }
        }
    }

    private static SSLSocket connect(Proxy proxy, String serverName) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("ca", CA.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", proxy.tlsAddress().getPort());
        var params = s.getSSLParameters();
        params.setServerNames(List.of(new javax.net.ssl.SNIHostName(serverName)));
        s.setSSLParameters(params);
        s.setSoTimeout(10_000);
        s.startHandshake();
        return s;
    }

    /** One keep-alive GET on an open TLS connection, read by its Content-Length. */
    private static RawHttp.Response get(SSLSocket s, String path) throws Exception {
        OutputStream out = s.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: example.com\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            assertTrue(b >= 0, "connection closed mid-head: " + head);
            head.append((char) b);
        }
        int status = Integer.parseInt(head.substring(9, 12));
        long length = head.toString().lines().filter(l -> l.toLowerCase().startsWith("content-length:"))
                .mapToLong(l -> Long.parseLong(l.substring(15).trim())).findFirst().orElse(0);
        byte[] body = in.readNBytes((int) length);
        assertNotNull(body);
        return new RawHttp.Response(status, java.util.Map.of(), body, body.length);
    }

    private interface Check<T> {
        T get() throws Exception;
    }

    private static <T> T unchecked(Check<T> check) {
        try {
            return check.get();
        } catch (Exception e) {
            return null;
        }
    }
}
