package io.gantry.testing;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real single-member etcd ({@code etcd} from PATH) on free loopback ports in a temp dir, started
 * before a test class and removed after it. It can be stopped, killed and started again on the same
 * ports and data, and compacted, so tests can put a client through what production does.
 *
 * <p>{@code new EtcdExtension()} is a plain etcd. {@link #builder()} makes a secured one, as production
 * runs it: {@code tls()} serves https with {@code --client-cert-auth} (certificates from
 * {@link EtcdCertificates}), {@code auth()} enables authentication with a {@code root} user and a user
 * {@value #USER} allowed to read and write {@code /services/} and {@code /gantry/}, and
 * {@code authTokenTtl(n)} makes tokens expire after n idle seconds. The test's own {@link #client()}
 * is root, with the client certificate.
 */
public final class EtcdExtension implements BeforeAllCallback, AfterAllCallback {

    /** The etcd user programs under test authenticate as (in {@code auth()} mode). */
    public static final String USER = "gantry";
    /** Its password. */
    public static final String PASSWORD = "gantry-secret";
    private static final String ROOT_PASSWORD = "root-secret";

    private final boolean tls;
    private final boolean auth;
    private final int authTokenTtl;
    private EtcdCertificates certificates;
    private Path dir;
    private int clientPort;
    private int peerPort;
    private ChildProcess etcd;
    private Client client;
    private int logStart;

    /** A plain etcd: http, no authentication. */
    public EtcdExtension() {
        this(false, false, 0);
    }

    private EtcdExtension(boolean tls, boolean auth, int authTokenTtl) {
        this.tls = tls;
        this.auth = auth;
        this.authTokenTtl = authTokenTtl;
    }

    /** How a secured etcd is made: {@code EtcdExtension.builder().tls().auth().build()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** Chooses what a secured etcd requires of its clients. */
    public static final class Builder {
        private boolean tls;
        private boolean auth;
        private int authTokenTtl;

        private Builder() {
        }

        /** https only, and a client certificate signed by the test CA ({@code --client-cert-auth}). */
        public Builder tls() {
            tls = true;
            return this;
        }

        /** Authentication enabled: users {@code root} and {@value #USER}. */
        public Builder auth() {
            auth = true;
            return this;
        }

        /** Simple tokens expire after {@code seconds} unused ({@code --auth-token-ttl}); implies {@link #auth()}. */
        public Builder authTokenTtl(int seconds) {
            auth = true;
            authTokenTtl = seconds;
            return this;
        }

        public EtcdExtension build() {
            return new EtcdExtension(tls, auth, authTokenTtl);
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("gantry-etcd");
        clientPort = FreePorts.pick();
        peerPort = FreePorts.pick();
        if (tls) {
            certificates = EtcdCertificates.create(dir.resolve("certs"));
        }
        start();
        if (auth) {
            enableAuth();
        }
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

    /** {@code http://127.0.0.1:<port>} ({@code https://} with {@code tls()}), what {@code --etcd} takes. */
    public String endpoint() {
        return (tls ? "https" : "http") + "://127.0.0.1:" + clientPort;
    }

    /** The CA and certificates of {@code tls()} mode. */
    public EtcdCertificates certificates() {
        if (certificates == null) {
            throw new IllegalStateException("this etcd was built without tls()");
        }
        return certificates;
    }

    /**
     * The flags a program reaches this etcd with: {@code --etcd URL}, the certificates in {@code tls()}
     * mode and {@code --etcd-user gantry:PASSWORD} in {@code auth()} mode.
     */
    public List<String> flags() {
        List<String> flags = new ArrayList<>(List.of("--etcd", endpoint()));
        if (tls) {
            flags.addAll(List.of("--etcd-cacert", certificates.ca().toString(), "--etcd-cert", certificates.clientCert().toString(),
                    "--etcd-key", certificates.clientKey().toString()));
        }
        if (auth) {
            flags.addAll(List.of("--etcd-user", USER + ":" + PASSWORD));
        }
        return flags;
    }

    /**
     * Whether every token this etcd (since it last started) gave {@code user} has expired, and there
     * was at least one: etcd's log names each token it issues and each it deletes.
     */
    public boolean tokensExpired(String user) {
        String log;
        try {
            log = Files.readString(dir.resolve("etcd.log"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        log = log.substring(Math.min(logStart, log.length()));
        java.util.Set<String> issued = tokens(log, "authenticated a user", user);
        return !issued.isEmpty() && tokens(log, "deleted a simple token", user).containsAll(issued);
    }

    private static java.util.Set<String> tokens(String log, String message, String user) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"msg\":\"" + message + "\",\"user-name\":\""
                + java.util.regex.Pattern.quote(user) + "\",\"token\":\"([^\"]+)\"").matcher(log);
        java.util.Set<String> tokens = new java.util.HashSet<>();
        while (m.find()) {
            tokens.add(m.group(1));
        }
        return tokens;
    }

    /** Starts (or restarts) etcd on the same ports and data dir, and waits until it is healthy. */
    public void start() {
        String peer = "http://127.0.0.1:" + peerPort;
        List<String> command = new ArrayList<>(List.of("etcd",
                "--name", "test",
                "--data-dir", dir.resolve("data").toString(),
                "--listen-client-urls", endpoint(),
                "--advertise-client-urls", endpoint(),
                "--listen-peer-urls", peer,
                "--initial-advertise-peer-urls", peer,
                "--initial-cluster", "test=" + peer));
        if (tls) {
            command.addAll(List.of("--cert-file", certificates.serverCert().toString(), "--key-file", certificates.serverKey().toString(),
                    "--trusted-ca-file", certificates.ca().toString(), "--client-cert-auth"));
        }
        if (auth) {
            // zap at debug: its log names each token issued and expired, which the tests wait for.
            command.addAll(List.of("--auth-token", "simple", "--logger", "zap", "--log-level", "debug"));
            if (authTokenTtl > 0) {
                command.addAll(List.of("--auth-token-ttl", Integer.toString(authTokenTtl)));
            }
        } else {
            command.addAll(List.of("--log-level", "warn"));
        }
        logStart = logLength();
        etcd = ChildProcess.start("etcd", command, dir.resolve("etcd.log"));
        Poll.until(Duration.ofSeconds(30), "etcd healthy at " + endpoint(), this::healthy);
    }

    private int logLength() {
        try {
            return Files.exists(dir.resolve("etcd.log")) ? Files.readString(dir.resolve("etcd.log")).length() : 0;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Kills etcd with SIGKILL, as a crash would. */
    public void kill() {
        etcd.kill();
    }

    private boolean healthy() {
        if (!etcd.isAlive()) {
            throw new AssertionError("etcd exited:\n" + etcd.output());
        }
        if (tls) {
            return etcdctl("endpoint", "health").contains("is healthy");
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

    /** A jetcd client for the test's own reads and writes (root, with the client certificate). */
    public synchronized Client client() {
        if (client == null) {
            ClientBuilder builder = Client.builder().endpoints(endpoint());
            if (tls) {
                try {
                    builder.sslContext(io.grpc.netty.GrpcSslContexts.forClient().trustManager(certificates.ca().toFile())
                            .keyManager(certificates.clientCert().toFile(), certificates.clientKey().toFile()).build());
                } catch (javax.net.ssl.SSLException e) {
                    throw new AssertionError("test client TLS: " + e, e);
                }
            }
            if (auth) {
                builder.user(bytes("root")).password(bytes(ROOT_PASSWORD));
            }
            client = builder.build();
        }
        return client;
    }

    /** Adds root and {@value #USER} (read-write on /services/ and /gantry/) and enables authentication. */
    private void enableAuth() {
        etcdctl("user", "add", "root:" + ROOT_PASSWORD);
        etcdctl("user", "add", USER + ":" + PASSWORD);
        etcdctl("role", "add", USER);
        etcdctl("role", "grant-permission", USER, "--prefix=true", "readwrite", "/services/");
        etcdctl("role", "grant-permission", USER, "--prefix=true", "readwrite", "/gantry/");
        etcdctl("user", "grant-role", USER, USER);
        String out = etcdctl("auth", "enable");
        if (!out.contains("Authentication Enabled")) {
            throw new AssertionError("etcdctl auth enable: " + out);
        }
    }

    /** Runs etcdctl against this etcd (as root, with the client certificate) and returns what it printed. */
    private String etcdctl(String... args) {
        List<String> cmd = new ArrayList<>(List.of("etcdctl", "--endpoints", endpoint(), "--dial-timeout", "2s"));
        if (tls) {
            cmd.addAll(List.of("--cacert", certificates.ca().toString(), "--cert", certificates.clientCert().toString(),
                    "--key", certificates.clientKey().toString()));
        }
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "(etcdctl timed out)";
            }
            return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot run etcdctl: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
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
