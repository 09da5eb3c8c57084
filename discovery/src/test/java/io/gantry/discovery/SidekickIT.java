package io.gantry.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.testing.ChildProcess;
import io.gantry.testing.EtcdExtension;
import io.gantry.testing.NginxExtension;
import io.gantry.testing.Poll;
import io.gantry.testing.TcpRelay;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** discovery.jar in sidekick mode against a real etcd and a real nginx: the tutorial's sidekick, done right. */
class SidekickIT {

    private static final String KEY = "/services/website/nginx@1";
    private static final Duration DEADLINE = Duration.ofSeconds(15);

    @RegisterExtension
    static final EtcdExtension etcd = new EtcdExtension();

    @RegisterExtension
    static final NginxExtension nginx = new NginxExtension(1);

    @TempDir
    Path dir;

    private ChildProcess discovery;

    private ChildProcess start(String etcdUrl, String ttl) {
        discovery = DiscoveryJar.start(dir, "--etcd", etcdUrl, "--key", KEY, "--target", nginx.backend(1).address(),
                "--interval", "200ms", "--ttl", ttl);
        return discovery;
    }

    @BeforeEach
    void backendUp() {
        if (!nginx.backend(1).isRunning()) {
            nginx.backend(1).start();
        }
        etcd.deletePrefix("/services/");
    }

    @AfterEach
    void stop() {
        if (discovery != null) {
            discovery.kill();
        }
    }

    private void awaitKey(String what) {
        Poll.until(DEADLINE, what, () -> nginx.backend(1).address().equals(etcd.value(KEY)));
    }

    private void awaitNoKey(Duration within, String what) {
        Poll.until(within, what, () -> etcd.value(KEY) == null);
    }

    @Test
    void healthyBackendIsRegisteredUnderALease() {
        start(etcd.endpoint(), "30s");
        awaitKey("key registered");
        assertTrue(etcd.lease(KEY) > 0, "the key is attached to a lease");
        assertTrue(discovery.output().contains("nginx@1 " + nginx.backend(1).address() + " unknown -> healthy: HTTP 200"),
                discovery.output());
    }

    @Test
    void failingBackendIsDeregisteredAndComesBackOnRecovery() {
        start(etcd.endpoint(), "30s");
        awaitKey("key registered");
        nginx.backend(1).kill();
        awaitNoKey(DEADLINE, "key deleted after the backend died");
        // A check in flight when nginx died sees its connection reset; the ones after it, the connect refused.
        assertTrue(discovery.output().contains("healthy -> unhealthy: connect refused")
                || discovery.output().contains("healthy -> unhealthy: Connection reset"), discovery.output());
        nginx.backend(1).start();
        awaitKey("key registered again");
        assertEquals(1, discovery.output().split("healthy -> unhealthy", -1).length - 1, "one line per change, not per check");
    }

    @Test
    void keyExpiresWithinTheTtlAfterKillMinus9() {
        start(etcd.endpoint(), "2s");
        awaitKey("key registered");
        long killedAt = System.nanoTime();
        discovery.kill();
        awaitNoKey(Duration.ofSeconds(10), "key expired with its lease");
        long seconds = (System.nanoTime() - killedAt) / 1_000_000_000L;
        assertTrue(seconds <= 4, "gone within the 2s TTL (and etcd's expiry granularity), took " + seconds + " s");
    }

    @Test
    void sigtermDeletesTheKeyAfterTheDefaultDrainAndExitsZero() {
        start(etcd.endpoint(), "30s");
        awaitKey("key registered");
        assertEquals(0, discovery.terminate(Duration.ofSeconds(15)), discovery.output());
        assertEquals(null, etcd.value(KEY), "deleted on the way out, not left to a 30s lease");
        assertTrue(discovery.output().contains("draining " + KEY + " for 5s"), discovery.output());
        assertTrue(discovery.output().contains("revoked"), discovery.output());
    }

    @Test
    void etcdRestartIsSurvived() {
        start(etcd.endpoint(), "10s");
        awaitKey("key registered");
        etcd.kill();
        etcd.start();
        nginx.backend(1).kill();
        awaitNoKey(DEADLINE, "key deleted after etcd came back");
        nginx.backend(1).start();
        awaitKey("key registered after etcd came back");
    }

    @Test
    void leaseThatExpiredWhileEtcdWasUnreachableIsReplaced() {
        URI endpoint = URI.create(etcd.endpoint());
        try (TcpRelay relay = new TcpRelay(new InetSocketAddress(endpoint.getHost(), endpoint.getPort()))) {
            start(relay.url(), "2s");
            awaitKey("key registered");
            long firstLease = etcd.lease(KEY);
            relay.cut();
            awaitNoKey(Duration.ofSeconds(10), "lease expired while discovery could not reach etcd");
            relay.restore();
            awaitKey("key registered again under a new lease");
            assertNotEquals(firstLease, etcd.lease(KEY));
            assertTrue(discovery.output().contains("unreachable"), discovery.output());
        }
    }
}
