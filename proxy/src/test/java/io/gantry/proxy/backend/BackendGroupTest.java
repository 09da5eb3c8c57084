package io.gantry.proxy.backend;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.common.HostPort;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackendGroupTest {

    private static Backend b(String key, int port) {
        return Backend.of(key, HostPort.parse("127.0.0.1:" + port));
    }

    @Test
    void aBackendThatFailedLeftAndCameBackAtTheSameAddressIsNotSkipped() {
        BackendGroup group = new BackendGroup("web", new PassiveHealth(1, Duration.ofSeconds(60)));
        group.update(BackendSet.of(List.of(b("a", 81), b("b", 82))));
        group.health().failure(b("a", 81), "connection refused");
        assertTrue(group.health().isDown(b("a", 81), System.nanoTime()));
        group.update(BackendSet.of(List.of(b("b", 82)))); // its key deleted, as a restart does
        group.update(BackendSet.of(List.of(b("a", 81), b("b", 82)))); // and written again
        assertFalse(group.health().isDown(b("a", 81), System.nanoTime()), "a backend that came back is tried at once");
    }

    @Test
    void aBackendThatStaysKeepsBeingSkipped() {
        BackendGroup group = new BackendGroup("web", new PassiveHealth(1, Duration.ofSeconds(60)));
        group.update(BackendSet.of(List.of(b("a", 81), b("b", 82))));
        group.health().failure(b("a", 81), "connection refused");
        group.update(BackendSet.of(List.of(b("a", 81), b("b", 82), b("c", 83))));
        assertTrue(group.health().isDown(b("a", 81), System.nanoTime()));
    }
}
