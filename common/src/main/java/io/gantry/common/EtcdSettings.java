package io.gantry.common;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.SslContextBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * How a Gantry program reaches etcd: the endpoints (comma-separated, as {@code --etcd} takes them),
 * TLS for {@code https://} endpoints, the user it authenticates as, and the keep-alive that notices a
 * dead member quickly enough to fail over to another.
 *
 * @param endpoints all {@code http://} or all {@code https://}
 * @param tls what TLS trusts and presents: set exactly when the endpoints are {@code https://}
 * @param credentials the etcd user, or null when etcd has no authentication
 */
public record EtcdSettings(List<URI> endpoints, Tls tls, Credentials credentials) {

    /**
     * Client TLS, with etcdctl's meanings.
     *
     * @param caCert the CA certificates etcd's certificate is verified with (null: the JDK's trusted CAs)
     * @param cert this client's certificate chain, for etcd's {@code --client-cert-auth} (null: none)
     * @param key the private key of {@code cert}, PEM in PKCS#8, PKCS#1 (RSA) or SEC1 (EC) form
     */
    public record Tls(Path caCert, Path cert, Path key) {

        /** TLS that trusts the JDK's CAs and presents no client certificate. */
        public static final Tls DEFAULT = new Tls(null, null, null);

        public Tls {
            if ((cert == null) != (key == null)) {
                throw new IllegalArgumentException(cert == null ? "--etcd-key needs --etcd-cert" : "--etcd-cert needs --etcd-key");
            }
        }
    }

    /** An etcd user and password; {@link #toString} never shows the password. */
    public record Credentials(String user, String password) {

        public Credentials {
            if (user == null || user.isEmpty()) {
                throw new IllegalArgumentException("empty etcd user name");
            }
            if (password == null || password.isEmpty()) {
                throw new IllegalArgumentException("etcd user '" + user + "' has no password");
            }
        }

        @Override
        public String toString() {
            return "user " + user;
        }
    }

    public EtcdSettings {
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("no etcd endpoint");
        }
        endpoints = List.copyOf(endpoints);
        boolean https = "https".equals(endpoints.get(0).getScheme());
        if (endpoints.stream().anyMatch(u -> "https".equals(u.getScheme()) != https)) {
            throw new IllegalArgumentException("'" + join(endpoints) + "' mixes http:// and https:// endpoints");
        }
        if (https && tls == null) {
            tls = Tls.DEFAULT;
        }
        if (!https && tls != null && !tls.equals(Tls.DEFAULT)) {
            throw new IllegalArgumentException("TLS files are given but the endpoints '" + join(endpoints)
                    + "' are http://; use https://");
        }
        if (!https) {
            tls = null;
        }
    }

    /** Endpoints alone: TLS with the JDK's CAs for {@code https://}, no authentication. */
    public EtcdSettings(List<URI> endpoints) {
        this(endpoints, null, null);
    }

    /** Parses {@code http://127.0.0.1:2379,http://127.0.0.1:22379} (or {@code https://...}). */
    public static EtcdSettings parse(String text) {
        List<URI> uris = Arrays.stream(text.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .map(EtcdSettings::endpoint)
                .toList();
        if (uris.isEmpty()) {
            throw new IllegalArgumentException("'" + text + "' names no etcd endpoint");
        }
        return new EtcdSettings(uris);
    }

    private static URI endpoint(String s) {
        try {
            URI uri = URI.create(s);
            boolean scheme = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
            if (!scheme || uri.getHost() == null || uri.getPort() < 1) {
                throw new IllegalArgumentException();
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + s + "' is not an etcd endpoint like http://127.0.0.1:2379 or https://10.0.0.2:2379");
        }
    }

    /** These settings with {@code tls} (the endpoints must be {@code https://}). */
    public EtcdSettings withTls(Tls tls) {
        return new EtcdSettings(endpoints, tls, credentials);
    }

    /** These settings authenticating as {@code credentials} (null: no authentication). */
    public EtcdSettings withCredentials(Credentials credentials) {
        return new EtcdSettings(endpoints, tls, credentials);
    }

    /**
     * A jetcd client for these endpoints; the caller closes it. With credentials, jetcd fetches a token
     * on the first call and fetches a new one whenever etcd calls the old one invalid (expired, or lost
     * in an etcd restart).
     *
     * @throws IllegalArgumentException when a TLS file cannot be read, naming the file
     */
    public Client newClient() {
        ClientBuilder builder = Client.builder()
                .endpoints(endpoints.toArray(URI[]::new))
                .keepaliveTime(Duration.ofSeconds(5))
                .keepaliveTimeout(Duration.ofSeconds(3))
                .keepaliveWithoutCalls(true)
                .connectTimeout(Duration.ofSeconds(3))
                // Fail fast while etcd is unreachable: callers retry with their own backoff and know the state.
                .waitForReady(false);
        if (tls != null) {
            builder.sslContext(sslContext(tls));
        }
        if (credentials != null) {
            builder.user(ByteSequence.from(credentials.user(), StandardCharsets.UTF_8))
                    .password(ByteSequence.from(credentials.password(), StandardCharsets.UTF_8));
        }
        return builder.build();
    }

    private static io.netty.handler.ssl.SslContext sslContext(Tls tls) {
        SslContextBuilder ssl = GrpcSslContexts.forClient();
        if (tls.caCert() != null) {
            ssl.trustManager(PemFiles.certificates(tls.caCert()));
        }
        if (tls.cert() != null) {
            ssl.keyManager(PemFiles.privateKey(tls.key()), PemFiles.certificates(tls.cert()));
        }
        try {
            return ssl.build();
        } catch (SSLException e) {
            throw new IllegalArgumentException("etcd TLS: " + Errors.describe(e));
        }
    }

    /** The endpoints, and the user when there is one: what log lines say; never a password. */
    @Override
    public String toString() {
        return credentials == null ? join(endpoints) : join(endpoints) + " as " + credentials.user();
    }

    private static String join(List<URI> uris) {
        return String.join(",", uris.stream().map(URI::toString).toList());
    }
}
