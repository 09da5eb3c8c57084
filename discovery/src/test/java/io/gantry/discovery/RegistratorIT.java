package io.gantry.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.common.BackendValue;
import io.gantry.common.HostPort;
import io.gantry.testing.ChildProcess;
import io.gantry.testing.DockerExtension;
import io.gantry.testing.EtcdExtension;
import io.gantry.testing.Poll;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** discovery.jar in registrator mode against the real Docker engine: labelled containers come and go. */
class RegistratorIT {

    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @RegisterExtension
    static final EtcdExtension etcd = new EtcdExtension();

    @RegisterExtension
    static final DockerExtension docker = new DockerExtension();

    @TempDir
    Path dir;

    private ChildProcess discovery;
    private final String run = Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 20));

    @BeforeEach
    void clean() {
        etcd.deletePrefix("/services/");
    }

    @AfterEach
    void stop() {
        if (discovery != null) {
            discovery.kill();
        }
    }

    private void startDiscovery(String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("--etcd", etcd.endpoint(), "--docker", "--interval", "200ms", "--ttl", "5s"));
        args.addAll(List.of(more));
        discovery = DiscoveryJar.start(dir, args.toArray(String[]::new));
    }

    private String nginx(String name, String... labels) {
        String[] args = new String[labels.length * 2 + 6];
        int i = 0;
        args[i++] = "--name";
        args[i++] = name;
        for (String label : labels) {
            args[i++] = "--label";
            args[i++] = label;
        }
        args[i++] = "-p";
        args[i++] = "127.0.0.1::80";
        args[i++] = "nginx";
        args = java.util.Arrays.copyOf(args, i);
        docker.run(args);
        return "127.0.0.1:" + docker.publishedPort(name, 80);
    }

    private void awaitValue(String key, String value) {
        await(key + " = " + value, () -> value.equals(etcd.value(key)));
    }

    private void awaitGone(String key) {
        await(key + " deleted", () -> etcd.value(key) == null);
    }

    /** Polls for {@code condition}; a timeout reports what discovery logged, which says why. */
    private void await(String what, BooleanSupplier condition) {
        try {
            Poll.until(DEADLINE, what, condition);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; discovery logged:\n" + discovery.output(), e);
        }
    }

    @Test
    void runningLabelledContainerIsRegisteredAndRemovedWhenItStops() {
        String name = "gantry-it-a-" + run;
        String address = nginx(name, "gantry.service=website");
        startDiscovery();
        awaitValue("/services/website/" + name, address);
        docker.call("stop", name);
        awaitGone("/services/website/" + name);
    }

    @Test
    void containerStartedLaterIsRegisteredFromTheEventStream() {
        startDiscovery();
        Poll.until(DEADLINE, "discovery following docker", () -> discovery.output().contains("running containers labelled"));
        String name = "gantry-it-b-" + run;
        String address = nginx(name, "gantry.service=shop");
        awaitValue("/services/shop/" + name, address);
        docker.call("kill", name);
        awaitGone("/services/shop/" + name);
        docker.call("start", name);
        awaitValue("/services/shop/" + name, "127.0.0.1:" + docker.publishedPort(name, 80));
    }

    @Test
    void unlabelledContainersAreLeftAlone() {
        String plain = "gantry-it-c-" + run;
        nginx(plain);
        String labelled = "gantry-it-d-" + run;
        String address = nginx(labelled, "gantry.service=website");
        startDiscovery();
        awaitValue("/services/website/" + labelled, address);
        assertNull(etcd.value("/services/website/" + plain));
        assertEquals(List.of(), etcd.keys("/services/").stream().filter(k -> k.endsWith("/" + plain)).toList(),
                "no key names the unlabelled container");
    }

    @Test
    void sigtermDrainsEveryKeyItOwnsThenDeletesThemAndLeavesTheContainersRunning() {
        String website = "gantry-it-e-" + run;
        String shop = "gantry-it-f-" + run;
        String websiteAddress = nginx(website, "gantry.service=website");
        String shopAddress = nginx(shop, "gantry.service=shop");
        startDiscovery("--drain", "2s");
        awaitValue("/services/website/" + website, websiteAddress);
        awaitValue("/services/shop/" + shop, shopAddress);
        await("discovery started", () -> discovery.output().contains("discovery started"));

        discovery.process().destroy();
        awaitValue("/services/website/" + website, draining(websiteAddress));
        awaitValue("/services/shop/" + shop, draining(shopAddress));
        awaitGone("/services/website/" + website);
        awaitGone("/services/shop/" + shop);
        assertEquals(0, discovery.waitFor(Duration.ofSeconds(10)), discovery.output());
        assertTrue(discovery.output().contains("deleted /services/shop/" + shop), "deleted, not left to the lease: " + discovery.output());
        assertEquals("true true", docker.call("inspect", "--format", "{{.State.Running}}", website, shop).lines()
                .reduce((a, b) -> a + " " + b).orElse(""), "stopping discovery stops no container");
    }

    private static String draining(String address) {
        return new BackendValue(HostPort.parse(address), false).asDraining().toJson();
    }
}
