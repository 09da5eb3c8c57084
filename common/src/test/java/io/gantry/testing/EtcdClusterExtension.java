package io.gantry.testing;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** A real three-member etcd cluster on loopback; members can be killed and started again one by one. */
public final class EtcdClusterExtension implements BeforeAllCallback, AfterAllCallback {

    private static final int MEMBERS = 3;
    private Path dir;
    private final int[] clientPorts = new int[MEMBERS];
    private final int[] peerPorts = new int[MEMBERS];
    private final ChildProcess[] members = new ChildProcess[MEMBERS];

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("gantry-etcd-cluster");
        for (int i = 0; i < MEMBERS; i++) {
            clientPorts[i] = FreePorts.pick();
            peerPorts[i] = FreePorts.pick();
        }
        for (int i = 0; i < MEMBERS; i++) {
            launch(i, "new");
        }
        for (int i = 0; i < MEMBERS; i++) {
            awaitHealthy(i);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        for (ChildProcess m : members) {
            if (m != null) {
                m.kill();
            }
        }
        TempDirs.delete(dir);
    }

    private void launch(int i, String state) {
        String cluster = java.util.stream.IntStream.range(0, MEMBERS)
                .mapToObj(j -> "m" + j + "=http://127.0.0.1:" + peerPorts[j]).collect(Collectors.joining(","));
        members[i] = ChildProcess.start("etcd-m" + i, List.of("etcd", "--name", "m" + i,
                "--data-dir", dir.resolve("m" + i).toString(),
                "--listen-client-urls", endpoint(i), "--advertise-client-urls", endpoint(i),
                "--listen-peer-urls", "http://127.0.0.1:" + peerPorts[i],
                "--initial-advertise-peer-urls", "http://127.0.0.1:" + peerPorts[i],
                "--initial-cluster", cluster, "--initial-cluster-state", state, "--initial-cluster-token", "gantry-test",
                "--heartbeat-interval", "50", "--election-timeout", "500", "--log-level", "warn"), dir.resolve("m" + i + ".log"));
    }

    /** Member {@code i}'s client URL. */
    public String endpoint(int i) {
        return "http://127.0.0.1:" + clientPorts[i];
    }

    /** All client URLs, comma-separated, as {@code --etcd} takes them. */
    public String endpoints() {
        List<String> all = new ArrayList<>();
        for (int i = 0; i < MEMBERS; i++) {
            all.add(endpoint(i));
        }
        return String.join(",", all);
    }

    public void kill(int i) {
        members[i].kill();
    }

    public void start(int i) {
        launch(i, "existing");
        awaitHealthy(i);
    }

    /** Puts {@code key} through member {@code i} only, retrying while the cluster elects a leader. */
    public void putVia(int i, String key, String value) {
        try (Client c = Client.builder().endpoints(endpoint(i)).build()) {
            Poll.until(Duration.ofSeconds(30), "put of " + key + " through member " + i, () -> {
                try {
                    c.getKVClient().put(ByteSequence.from(key, StandardCharsets.UTF_8), ByteSequence.from(value, StandardCharsets.UTF_8))
                            .get(5, TimeUnit.SECONDS);
                    return true;
                } catch (Exception e) {
                    return false;
                }
            });
        }
    }

    private void awaitHealthy(int i) {
        Poll.until(Duration.ofSeconds(30), "etcd member " + i + " healthy", () -> {
            if (!members[i].isAlive()) {
                throw new AssertionError("etcd member " + i + " exited:\n" + members[i].output());
            }
            try {
                HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(endpoint(i) + "/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                return r.statusCode() == 200 && r.body().contains("true");
            } catch (Exception e) {
                return false;
            }
        });
    }
}
