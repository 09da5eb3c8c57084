package io.gantry.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.testing.ChildProcess;
import io.gantry.testing.DockerExtension;
import io.gantry.testing.FreePorts;
import io.gantry.testing.Poll;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The user's story: {@code bin/demo}, then a browser, over http and https. Pages come from several
 * nginx containers; one container stopped, the browser keeps getting pages from the others; the demo
 * stopped, nothing of it is left: no process, no container, no certificate.
 */
class DemoIT {

    private static final Pattern BACKEND = Pattern.compile("Welcome to (nginx\\d)");
    private static final Pattern CA = Pattern.compile("CA: (/\\S+\\.pem)");

    /** The demo as it started: its two addresses, and the CA file it printed (its certificate is beside it). */
    private record Demo(String http, String https, Path ca) {
        Path certificate() {
            return ca.resolveSibling("server.pem");
        }
    }

    @RegisterExtension
    static final DockerExtension docker = new DockerExtension();

    @TempDir
    Path dir;

    private ChildProcess demo;

    @AfterEach
    void stop() {
        if (demo != null && demo.isAlive()) {
            demo.process().destroy();
            try {
                demo.waitFor(Duration.ofSeconds(60));
            } catch (AssertionError e) {
                demo.kill();
            }
        }
    }

    private static String backend(String dom) {
        Matcher m = BACKEND.matcher(dom);
        if (!m.find()) {
            throw new AssertionError("not a page from an nginx container:\n" + dom);
        }
        return m.group(1);
    }

    /**
     * Starts bin/demo on free ports with {@code environment}, waits until it says it is up, and checks
     * it printed the https address, the CA's path and a curl line that trusts it.
     */
    private Demo startDemo(Map<String, String> environment) {
        int port = FreePorts.pick();
        int tlsPort = FreePorts.pick();
        while (tlsPort == port) {
            tlsPort = FreePorts.pick();
        }
        Path root = DockerExtension.projectRoot();
        demo = ChildProcess.start("demo", List.of(root.resolve("bin/demo").toString(), "--listen", "127.0.0.1:" + port,
                "--tls-listen", "127.0.0.1:" + tlsPort), dir.resolve("demo.log"), environment);
        Poll.until(Duration.ofMinutes(4), "bin/demo saying it is up", () -> {
            if (!demo.isAlive()) {
                throw new AssertionError("bin/demo exited:\n" + demo.output());
            }
            return demo.output().contains("Gantry is up");
        });
        String output = demo.output();
        Matcher ca = CA.matcher(output);
        assertTrue(ca.find(), "bin/demo names its CA file:\n" + output);
        Demo started = new Demo("http://127.0.0.1:" + port + "/", "https://127.0.0.1:" + tlsPort + "/", Path.of(ca.group(1)));
        assertTrue(output.contains("curl --cacert " + started.ca() + " " + started.https()), output);
        assertTrue(Files.isRegularFile(started.ca()) && Files.isRegularFile(started.certificate()), output);
        return started;
    }

    /**
     * The page at the demo's https address, loaded by {@code browser} (which trusts the demo's
     * certificate), after checking in Chromium's net log that it came over TLS 1.2 or 1.3 from
     * 127.0.0.1 only, with the demo's certificate, signed by the CA the demo printed.
     */
    private static String httpsPage(Chromium browser, Demo demo) throws Exception {
        Chromium.Load load = browser.load(demo.https());
        NetLog net = load.net();
        X509Certificate certificate = Chromium.certificate(Files.readString(demo.certificate()));
        certificate.verify(Chromium.certificate(Files.readString(demo.ca())).getPublicKey());
        assertEquals(List.of(demo.https()), net.pages(), "the page Chromium loaded");
        assertFalse(net.serverCertificates().isEmpty(), "Chromium made no TLS connection: " + net);
        assertTrue(net.serverCertificates().stream().allMatch(certificate::equals),
                "every TLS connection presented the demo's certificate: " + net.serverCertificates());
        assertTrue(net.tlsVersions().stream().allMatch(v -> v.equals("TLS 1.3") || v.equals("TLS 1.2")), net.tlsVersions().toString());
        assertTrue(net.alpnProtocols().stream().allMatch("h2"::equals), "Chromium speaks HTTP/2 to the proxy: " + net.alpnProtocols());
        assertTrue(net.connectedTo().stream().allMatch(a -> a.startsWith("127.0.0.1:")), "connections: " + net.connectedTo());
        return load.dom();
    }

    /** SIGTERM, as Ctrl-C's cousin: the demo exits, nothing it started is left running, its CA is gone. */
    private void stopDemoAndCheckNothingIsLeft(List<ProcessHandle> started, Demo stopped) {
        demo.process().destroy();
        assertEquals(143, demo.waitFor(Duration.ofSeconds(90)), "bin/demo stops on SIGTERM:\n" + demo.output());
        assertTrue(demo.output().contains("demo: stopped; nothing left running."), demo.output());
        List<ProcessHandle> left = started.stream().filter(ProcessHandle::isAlive).toList();
        assertEquals(List.of(), left.stream().map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList(),
                "processes the demo started, still running");
        assertFalse(Files.exists(stopped.ca().getParent()), "the demo's certificates are removed: " + stopped.ca().getParent());
    }

    @Test
    void withoutADockerEngineTheDemoSaysSoInOneLineAndServesPlainNginxOverHttpAndHttps() throws Exception {
        Demo started = startDemo(Map.of("DOCKER_HOST", "unix://" + dir.resolve("no-docker.sock")));
        assertTrue(demo.output().contains("demo: no Docker engine answers (docker info failed); running the backends as plain nginx processes instead"),
                demo.output());
        List<ProcessHandle> processes = demo.process().descendants().toList();
        Chromium browser = new Chromium(dir);
        String page = browser.dom(started.http());
        assertTrue(page.contains("Hello from nginx@") && page.contains("<b>http</b>"), page);
        assertTrue(page.contains("<b id=\"protocol\">http/1.1</b>"), page);

        // The page shows the X-Forwarded-Proto the backend got: the proxy says it was reached over https.
        String secure = httpsPage(browser.trusting(started.certificate()), started);
        assertTrue(secure.contains("Hello from nginx@") && secure.contains("<b>https</b>"), secure);
        // What the page's script read from performance.getEntriesByType('navigation')[0].nextHopProtocol.
        assertTrue(secure.contains("<b id=\"protocol\">h2</b>"), secure);
        AssertionError untrusted = assertThrows(AssertionError.class, () -> browser.dom(started.https()),
                "a browser that does not trust the demo's certificate gets no page");
        assertTrue(untrusted.getMessage().contains("ERR_CERT_AUTHORITY_INVALID"), untrusted.getMessage());

        stopDemoAndCheckNothingIsLeft(processes, started);
    }

    @Test
    void aBrowserSeesSeveralBackendsOverHttpAndHttpsKeepsGettingPagesWhenOneStopsAndNothingIsLeftAfter() throws Exception {
        Demo started = startDemo(Map.of());
        String url = started.http();
        assertTrue(demo.output().contains("Unit proxy.service launched on demo-m1/127.0.0.11"), demo.output());
        List<ProcessHandle> processes = demo.process().descendants().toList();

        Chromium browser = new Chromium(dir);
        Set<String> seen = new TreeSet<>();
        for (int i = 0; i < 6; i++) {
            seen.add(backend(browser.dom(url)));
        }
        assertTrue(seen.size() >= 2, "pages from at least two backends, saw " + seen);
        Chromium trusting = browser.trusting(started.certificate());
        Set<String> seenOverHttps = new TreeSet<>();
        for (int i = 0; i < 3; i++) {
            seenOverHttps.add(backend(httpsPage(trusting, started)));
        }
        Path png = Path.of(System.getProperty("gantry.e2e.output", "target")).resolve("demo.png");
        browser.screenshot(url, png);

        docker.call("stop", "nginx2");
        List<String> after = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            after.add(backend(browser.dom(url))); // fails the test for any load that is not a backend's page
        }
        System.out.println("demo: pages from " + seen + ", over https from " + seenOverHttps + "; after docker stop nginx2: " + after);

        stopDemoAndCheckNothingIsLeft(processes, started);
        for (String m : List.of("demo-m1", "demo-m2", "demo-m3")) {
            assertEquals("", docker.call("ps", "-a", "--quiet", "--filter", "label=gantry.machine=" + m).strip(),
                    "containers of machine " + m);
        }
    }
}
