package io.gantry.testing;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.DeleteOption;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real single-member etcd ({@code etcd} from PATH) on free loopback ports in a temp dir, started
 * before a test class and removed after it. It can be stopped, killed and started again on the same
 * ports and data, and compacted, so tests can put a client through what production does.
 */
public final class EtcdExtension implements BeforeAllCallback, AfterAllCallback {

    private Path dir;
    private int clientPort;
    private int peerPort;
    private ChildProcess etcd;
    private Client client;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("gantry-etcd");
        clientPort = FreePorts.pick();
        peerPort = FreePorts.pick();
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (client != null) {
            client.close();
        }
        if (etcd != null) {
            etcd.kill();
        }
        TempDirs.delete(dir);
    }

    /** {@code http://127.0.0.1:<port>}, what {@code --etcd} takes. */
    public String endpoint() {
        return "http://127.0.0.1:" + clientPort;
    }

    /** Starts (or restarts) etcd on the same ports and data dir, and waits until it is healthy. */
    public void start() {
        String peer = "http://127.0.0.1:" + peerPort;
        etcd = ChildProcess.start("etcd", List.of("etcd",
                "--name", "test",
                "--data-dir", dir.resolve("data").toString(),
                "--listen-client-urls", endpoint(),
                "--advertise-client-urls", endpoint(),
                "--listen-peer-urls", peer,
                "--initial-advertise-peer-urls", peer,
                "--initial-cluster", "test=" + peer,
                "--log-level", "warn"), dir.resolve("etcd.log"));
        Poll.until(Duration.ofSeconds(30), "etcd healthy at " + endpoint(), this::healthy);
    }

    /** Kills etcd with SIGKILL, as a crash would. */
    public void kill() {
        etcd.kill();
    }

    private boolean healthy() {
        if (!etcd.isAlive()) {
            throw new AssertionError("etcd exited:\n" + etcd.output());
        }
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(endpoint() + "/health")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 && r.body().contains("true");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A jetcd client for the test's own reads and writes. */
    public synchronized Client client() {
        if (client == null) {
            client = Client.builder().endpoints(endpoint()).build();
        }
        return client;
    }

    public void put(String key, String value) {
        await(client().getKVClient().put(bytes(key), bytes(value)));
    }

    public void delete(String key) {
        await(client().getKVClient().delete(bytes(key)));
    }

    /** The value of {@code key}, or null when there is none. */
    public String value(String key) {
        var kvs = await(client().getKVClient().get(bytes(key))).getKvs();
        return kvs.isEmpty() ? null : kvs.get(0).getValue().toString(StandardCharsets.UTF_8);
    }

    /** The lease {@code key} is attached to (0 for none, -1 when there is no such key). */
    public long lease(String key) {
        var kvs = await(client().getKVClient().get(bytes(key))).getKvs();
        return kvs.isEmpty() ? -1 : kvs.get(0).getLease();
    }

    /** The keys under {@code prefix}. */
    public java.util.List<String> keys(String prefix) {
        return await(client().getKVClient().get(bytes(prefix), io.etcd.jetcd.options.GetOption.builder().isPrefix(true)
                .withKeysOnly(true).build())).getKvs().stream().map(kv -> kv.getKey().toString(StandardCharsets.UTF_8)).toList();
    }

    /** Deletes every key under {@code prefix}. */
    public void deletePrefix(String prefix) {
        await(client().getKVClient().delete(bytes(prefix), DeleteOption.builder().isPrefix(true).build()));
    }

    /** The current revision. */
    public long revision() {
        return await(client().getKVClient().get(bytes("/"))).getHeader().getRevision();
    }

    /** Compacts history up to the current revision, so older watches fail with "compacted". */
    public void compact() {
        await(client().getKVClient().compact(revision()));
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    private static <T> T await(java.util.concurrent.CompletableFuture<T> f) {
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("etcd call failed: " + e, e);
        }
    }

}
