package io.gantry.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.gantry.common.BackendValue;
import io.gantry.common.HostPort;
import io.gantry.common.ServiceKeys;
import io.gantry.testing.ChildProcess;
import io.gantry.testing.EtcdExtension;
import io.gantry.testing.NginxExtension;
import io.gantry.testing.Poll;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM of discovery.jar, against a real etcd and nginx: the key is marked draining on its lease,
 * stays for --drain so the proxy can finish what it sent, then is deleted, and the process exits 0
 * within a bound even when etcd is gone.
 */
class DrainOnStopIT {

    private static final String KEY = "/services/website/nginx@1";
    private static final Duration DEADLINE = Duration.ofSeconds(15);

    @RegisterExtension
    static final EtcdExtension etcd = new EtcdExtension();

    @RegisterExtension
    static final NginxExtension nginx = new NginxExtension(1);

    @TempDir
    Path dir;

    private ChildProcess discovery;

    @BeforeEach
    void clean() {
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

    /** Starts discovery with a 30 s lease: a key gone within seconds was deleted, not expired. */
    private void startAndAwaitKey(String drain) {
        discovery = DiscoveryJar.start(dir, "--etcd", etcd.endpoint(), "--key", KEY, "--target", nginx.backend(1).address(),
                "--interval", "200ms", "--ttl", "30s", "--drain", drain);
        await(DEADLINE, "key registered", () -> nginx.backend(1).address().equals(etcd.value(KEY)));
        // Logged just before the SIGTERM handler is installed; a SIGTERM sooner would meet the JVM's default.
        await(DEADLINE, "discovery started", () -> discovery.output().contains("discovery started"));
    }

    private String drainingValue() {
        return new BackendValue(HostPort.parse(nginx.backend(1).address()), false).asDraining().toJson();
    }

    @Test
    void sigtermMarksTheKeyDrainingOnItsLeaseThenDeletesItAfterTheDrain() {
        startAndAwaitKey("2s");
        long lease = etcd.lease(KEY);
        long revision = etcd.revision();
        long sigterm = System.nanoTime();
        discovery.process().destroy();

        await(Duration.ofSeconds(5), "key marked draining", () -> drainingValue().equals(etcd.value(KEY)));
        long drainingSeen = System.nanoTime();
        BackendValue value = ServiceKeys.parseBackend(KEY, etcd.value(KEY));
        assertTrue(value.draining(), "the proxy reads it as draining");
        assertEquals(nginx.backend(1).address(), value.address().toString(), "the same backend");
        assertEquals(lease, etcd.lease(KEY), "still on its lease, so a discovery killed now leaves nothing behind");

        holdsFor(Duration.ofSeconds(1), "key still there, draining, 1 s into the 2 s drain",
                () -> drainingValue().equals(etcd.value(KEY)), drainingSeen);
        await(Duration.ofSeconds(5), "key deleted after the drain", () -> etcd.value(KEY) == null);
        long deletedAfterMs = (System.nanoTime() - sigterm) / 1_000_000;
        assertTrue(deletedAfterMs >= 1900, "kept for the 2 s drain, deleted after " + deletedAfterMs + " ms");

        assertEquals(0, discovery.waitFor(Duration.ofSeconds(5)), discovery.output());
        long exitedAfterMs = (System.nanoTime() - sigterm) / 1_000_000;
        assertTrue(exitedAfterMs < 2000 + 5000, "exited " + exitedAfterMs + " ms after SIGTERM");
        assertEquals(List.of("PUT " + drainingValue(), "DELETE"), history(revision + 1),
                "marked draining once, then deleted: no check wrote the plain value back meanwhile");
        String log = discovery.output();
        assertTrue(log.contains("draining " + KEY + " for 2s"), log);
        assertTrue(log.contains("revoked"), log);
    }

    @Test
    void zeroDrainDeletesTheKeyAtOnce() {
        startAndAwaitKey("0s");
        long revision = etcd.revision();
        long sigterm = System.nanoTime();
        assertEquals(0, discovery.terminate(Duration.ofSeconds(10)), discovery.output());
        long exitedAfterMs = (System.nanoTime() - sigterm) / 1_000_000;
        assertEquals(null, etcd.value(KEY), "deleted on the way out");
        assertEquals(List.of("DELETE"), history(revision + 1), "never marked draining");
        assertTrue(exitedAfterMs < 5000, "no drain to wait for, exited after " + exitedAfterMs + " ms");
        assertFalse(discovery.output().contains("draining"), discovery.output());
    }

    @Test
    void secondSigtermDuringTheDrainDoesNotHangTheExit() {
        startAndAwaitKey("2s");
        long sigterm = System.nanoTime();
        discovery.process().destroy();
        await(Duration.ofSeconds(5), "key marked draining", () -> drainingValue().equals(etcd.value(KEY)));
        discovery.process().destroy();
        assertEquals(0, discovery.waitFor(Duration.ofSeconds(10)), discovery.output());
        long exitedAfterMs = (System.nanoTime() - sigterm) / 1_000_000;
        assertTrue(exitedAfterMs < 2000 + 5000, "exited " + exitedAfterMs + " ms after the first SIGTERM");
        assertEquals(null, etcd.value(KEY), "deleted after the drain all the same");
    }

    @Test
    void sigtermWithEtcdDownExitsWithinABound() {
        startAndAwaitKey("2s");
        stopsWithinABoundWhile(etcd::kill, etcd::start);
    }

    @Test
    void sigtermWhileEtcdHangsExitsWithinABound() {
        startAndAwaitKey("2s");
        // SIGSTOP: etcd keeps its connections but answers nothing, so every call runs into its timeout.
        ProcessHandle etcdProcess = etcdProcess();
        stopsWithinABoundWhile(() -> signal("STOP", etcdProcess), () -> signal("CONT", etcdProcess));
    }

    /** SIGTERM after {@code breakEtcd}: discovery still waits out the drain, says what it could not do, and exits 0 in time. */
    private void stopsWithinABoundWhile(Runnable breakEtcd, Runnable repairEtcd) {
        breakEtcd.run();
        try {
            long sigterm = System.nanoTime();
            discovery.process().destroy();
            // What --help promises: the whole stop takes at most about --drain + 10 s.
            assertEquals(0, discovery.waitFor(Duration.ofSeconds(2 + 10 + 3)), discovery.output());
            long exitedAfterMs = (System.nanoTime() - sigterm) / 1_000_000;
            String log = discovery.output();
            assertTrue(log.contains("draining " + KEY + " for 2s"), log);
            assertTrue(log.contains("could not delete " + KEY) || log.contains("stopping the registrar"), log);
            assertTrue(exitedAfterMs >= 1900, "waited out the drain all the same, exited after " + exitedAfterMs + " ms");
        } finally {
            repairEtcd.run();
        }
    }

    private static ProcessHandle etcdProcess() {
        String listen = etcd.endpoint();
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().arguments().map(List::of).orElse(List.of()).contains(listen))
                .filter(p -> p.info().command().orElse("").endsWith("etcd"))
                .findFirst().orElseThrow(() -> new AssertionError("no etcd process listening on " + listen));
    }

    private static void signal(String signal, ProcessHandle process) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
            assertEquals(0, kill.waitFor(), "kill -" + signal + " " + process.pid());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** The key's changes since {@code revision}, as etcd's history replays them, up to its deletion. */
    private List<String> history(long revision) {
        List<String> events = new CopyOnWriteArrayList<>();
        ByteSequence key = ByteSequence.from(KEY, StandardCharsets.UTF_8);
        try (Watch.Watcher watcher = etcd.client().getWatchClient().watch(key, WatchOption.builder().withRevision(revision).build(),
                r -> r.getEvents().forEach(e -> events.add(e.getEventType() == WatchEvent.EventType.DELETE ? "DELETE"
                        : "PUT " + e.getKeyValue().getValue().toString(StandardCharsets.UTF_8))))) {
            Poll.until(Duration.ofSeconds(5), "the key's history up to its deletion",
                    () -> !events.isEmpty() && events.get(events.size() - 1).equals("DELETE"));
        }
        return List.copyOf(events);
    }

    /** Polls for {@code condition}; a timeout reports what discovery logged, which says why. */
    private void await(Duration timeout, String what, BooleanSupplier condition) {
        try {
            Poll.until(timeout, what, condition);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; discovery logged:\n" + discovery.output(), e);
        }
    }

    /** Checks {@code condition} at every poll until {@code period} after {@code since} (a nanoTime) has passed. */
    private void holdsFor(Duration period, String what, BooleanSupplier condition, long since) {
        while (System.nanoTime() - since < period.toNanos()) {
            assertTrue(condition.getAsBoolean(), what + "; discovery logged:\n" + discovery.output());
            try {
                Thread.sleep(20); // the polling interval, not a synchronisation
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
        assertTrue(condition.getAsBoolean(), what + "; discovery logged:\n" + discovery.output());
    }
}
