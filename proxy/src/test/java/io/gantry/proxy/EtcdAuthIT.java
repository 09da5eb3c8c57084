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
import io.gantry.testing.TcpRelay;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proxy authenticating to etcd as a user whose tokens expire after two idle seconds: its watch
 * must go on delivering changes after the token expired and after etcd forgot every token in a
 * restart (Traefik lost all its routes there, traefik#11941). The proxy reaches etcd through a relay
 * the tests can cut, so its watch can be made to start again while its token is expired.
 */
class EtcdAuthIT {

    private static final String PREFIX = "/services/website/";
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @RegisterExtension
    static final EtcdExtension etcd = EtcdExtension.builder().authTokenTtl(2).build();

    @RegisterExtension
    static final NginxExtension nginx = new NginxExtension(3);

    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static TcpRelay relay;
    private static Proxy proxy;

    @TempDir
    Path dir;

    @BeforeAll
    static void startProxy() throws Exception {
        etcd.put(PREFIX + "nginx@1", nginx.backend(1).address());
        URI endpoint = URI.create(etcd.endpoint());
        relay = new TcpRelay(new InetSocketAddress(endpoint.getHost(), endpoint.getPort()));
        proxy = Proxy.start(ProxyConfig.builder()
                .listen(new HostPort("127.0.0.1", 0))
                .admin(new HostPort("127.0.0.1", 0))
                .etcd(EtcdSettings.parse(relay.url()).withCredentials(new EtcdSettings.Credentials(EtcdExtension.USER, EtcdExtension.PASSWORD)))
                .build());
    }

    @AfterAll
    static void stopProxy() {
        proxy.close();
        relay.close();
    }

    @BeforeEach
    void oneBackend() {
        relay.restore();
        etcd.deletePrefix(PREFIX);
        etcd.put(PREFIX + "nginx@1", nginx.backend(1).address());
        awaitBackends("nginx@1");
    }

    private static void awaitBackends(String... instances) {
        Set<String> expected = Set.of(instances).stream().map(i -> PREFIX + i).collect(Collectors.toSet());
        Poll.until(DEADLINE, "proxy backends " + expected,
                () -> proxy.backends().current().asList().stream().map(Backend::key).collect(Collectors.toSet()).equals(expected));
    }

    private static String get() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.address().getPort() + "/"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() + " " + r.body().trim();
        } catch (Exception e) {
            throw new AssertionError("GET / failed: " + e, e);
        }
    }

    private static void awaitServing(int backend) {
        Poll.until(DEADLINE, "backend-" + backend + " serving", () -> get().contains("backend-" + backend));
    }

    private static void awaitTokensExpired() {
        Poll.until(DEADLINE, "etcd to expire every token of " + EtcdExtension.USER, () -> etcd.tokensExpired(EtcdExtension.USER));
    }

    @Test
    void anAuthenticatedProxyRoutesToTheBackendsInEtcd() throws Exception {
        assertTrue(get().contains("backend-1"));
        assertEquals("watching", proxy.metrics().sourceState());
    }

    @Test
    void theWatchKeepsDeliveringAfterTheTokenExpired() {
        awaitTokensExpired();
        etcd.put(PREFIX + "nginx@2", nginx.backend(2).address());
        awaitBackends("nginx@1", "nginx@2");
        awaitServing(2);
    }

    @Test
    void theWatchStartsAgainWithANewTokenAfterADisconnectWhileItsTokenExpired() {
        relay.cut();
        Poll.until(DEADLINE, "source disconnected", () -> proxy.metrics().sourceState().equals("disconnected"));
        awaitTokensExpired();
        etcd.put(PREFIX + "nginx@2", nginx.backend(2).address());
        relay.restore();
        awaitBackends("nginx@1", "nginx@2");
        awaitServing(2);
        assertEquals("watching", proxy.metrics().sourceState());
    }

    @Test
    void theWatchResumesWithANewTokenAfterEtcdRestartedAndForgotTheOldOne() {
        etcd.kill();
        etcd.start();
        etcd.put(PREFIX + "nginx@3", nginx.backend(3).address());
        awaitBackends("nginx@1", "nginx@3");
        awaitServing(3);
        // and once more after the new token expired, with the watch broken again
        awaitTokensExpired();
        etcd.kill();
        etcd.start();
        etcd.delete(PREFIX + "nginx@1");
        awaitBackends("nginx@3");
    }

    @Test
    void aWrongPasswordIsOneLoggedLineAndTheProxyKeepsTrying() {
        List<String> args = List.of("--listen", "127.0.0.1:" + FreePorts.pick(), "--admin", "127.0.0.1:" + FreePorts.pick(),
                "--etcd", etcd.endpoint(), "--etcd-user", EtcdExtension.USER + ":wrong");
        try (ChildProcess p = ProxyJar.start(List.of(), args, dir.resolve("proxy.log"))) {
            Poll.until(DEADLINE, "the proxy to say it cannot read etcd", () -> p.output().contains("and retrying"));
            String out = p.output();
            assertTrue(out.contains("authentication failed"), out);
            assertFalse(out.contains("\tat "), "no stack trace: " + out);
            assertFalse(out.contains("wrong"), "the password is not logged: " + out);
            assertTrue(p.isAlive());
        }
    }
}
