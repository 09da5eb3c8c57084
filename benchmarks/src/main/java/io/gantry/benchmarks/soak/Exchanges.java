package io.gantry.benchmarks.soak;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** One exchange of each {@link Kind} against the proxy, with the clients they share. */
final class Exchanges {

    /** What the backends serve (benchmarks/load/lib.sh, make_www): 63 x and a newline, 65535 y and a newline. */
    static final byte[] BODY_64B = body(64, 'x');
    static final byte[] BODY_64KIB = body(65536, 'y');

    private final InetSocketAddress http;
    private final URI plain;
    private final URI tls;
    private final int timeoutMs;
    private final HttpClient h1;
    private final HttpClient h1Tls;
    private final HttpClient h2;

    /**
     * @param http the proxy's cleartext listener
     * @param https its TLS listener
     * @param cert the certificate it serves there, trusted as the only authority
     */
    Exchanges(InetSocketAddress http, InetSocketAddress https, Path cert, int timeoutMs) throws IOException, GeneralSecurityException {
        this.http = http;
        this.plain = URI.create("http://" + http.getHostString() + ":" + http.getPort());
        this.tls = URI.create("https://" + https.getHostString() + ":" + https.getPort());
        this.timeoutMs = timeoutMs;
        SSLContext ssl = trusting(cert);
        Duration connect = Duration.ofMillis(timeoutMs);
        this.h1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connect).build();
        this.h1Tls = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(ssl).connectTimeout(connect).build();
        this.h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(ssl).connectTimeout(connect).build();
    }

    Result run(Kind kind) {
        return switch (kind) {
            case H1_KEEPALIVE_64B -> get(h1, plain, "/64B", BODY_64B, HttpClient.Version.HTTP_1_1);
            case H1_KEEPALIVE_64KIB -> get(h1, plain, "/64KiB", BODY_64KIB, HttpClient.Version.HTTP_1_1);
            case H1_CLOSE_64B -> ClosingGet.run(http, "/64B", BODY_64B, timeoutMs);
            case H1_CLOSE_64KIB -> ClosingGet.run(http, "/64KiB", BODY_64KIB, timeoutMs);
            case H1_UPLOAD_64KIB -> upload(h1, plain, 65536, HttpClient.Version.HTTP_1_1);
            case HTTPS_H1_64KIB -> get(h1Tls, tls, "/64KiB", BODY_64KIB, HttpClient.Version.HTTP_1_1);
            case H2_64B -> get(h2, tls, "/64B", BODY_64B, HttpClient.Version.HTTP_2);
            case H2_64KIB -> get(h2, tls, "/64KiB", BODY_64KIB, HttpClient.Version.HTTP_2);
            case H2_UPLOAD_60KIB -> upload(h2, tls, 61440, HttpClient.Version.HTTP_2);
            case WS -> EchoSession.run(h1, URI.create("ws://" + plain.getAuthority() + "/ws"), BODY_64B, BODY_64KIB, timeoutMs);
            case WSS -> EchoSession.run(h1Tls, URI.create("wss://" + tls.getAuthority() + "/ws"), BODY_64B, BODY_64KIB, timeoutMs);
        };
    }

    private Result get(HttpClient client, URI base, String path, byte[] expected, HttpClient.Version version) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofMillis(timeoutMs)).GET().build();
        return exchange(client, request, version, body -> Arrays.equals(body, expected) ? null
                : "body of " + body.length + " bytes, expected " + expected.length + (body.length == expected.length ? " (other bytes)" : ""));
    }

    /** POSTs {@code size} random bytes to SoakEcho (through nginx), which answers with their length and CRC-32. */
    private Result upload(HttpClient client, URI base, int size, HttpClient.Version version) {
        byte[] data = new byte[size];
        ThreadLocalRandom.current().nextBytes(data);
        CRC32 crc = new CRC32();
        crc.update(data);
        String expected = data.length + " " + Long.toHexString(crc.getValue()) + "\n";
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/upload")).timeout(Duration.ofMillis(timeoutMs))
                .POST(HttpRequest.BodyPublishers.ofByteArray(data)).build();
        return exchange(client, request, version, body -> {
            String answer = new String(body, StandardCharsets.US_ASCII);
            return answer.equals(expected) ? null : "upload answered '" + answer.strip() + "', expected '" + expected.strip() + "'";
        });
    }

    private interface BodyCheck {
        /** Null when the body is right, else what is wrong with it. */
        String problem(byte[] body);
    }

    private Result exchange(HttpClient client, HttpRequest request, HttpClient.Version version, BodyCheck check) {
        long start = System.currentTimeMillis();
        AtomicReference<String> backend = new AtomicReference<>(); // set as soon as the response head arrives
        try {
            // The whole exchange, body included, within timeoutMs: the request's own timeout ends at the head.
            HttpResponse<byte[]> response = client.sendAsync(request, info -> {
                backend.set(info.headers().firstValue("x-backend").orElse(null));
                return HttpResponse.BodySubscribers.ofByteArray();
            }).get(timeoutMs, TimeUnit.MILLISECONDS);
            byte[] body = response.body();
            String b = backend.get();
            if (response.statusCode() != 200) {
                return new Result(start, System.currentTimeMillis(), b, b != null, false,
                        "status " + response.statusCode() + ": " + new String(body, 0, Math.min(body.length, 80), StandardCharsets.ISO_8859_1).strip());
            }
            if (response.version() != version) {
                return new Result(start, System.currentTimeMillis(), b, true, false, "answered over " + response.version());
            }
            String problem = check.problem(body);
            return problem == null ? Result.ok(start, b) : new Result(start, System.currentTimeMillis(), b, true, false, problem);
        } catch (TimeoutException e) {
            return new Result(start, System.currentTimeMillis(), backend.get(), backend.get() != null, true,
                    "no complete response within " + timeoutMs + " ms");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return new Result(start, System.currentTimeMillis(), backend.get(), backend.get() != null,
                    cause instanceof HttpTimeoutException, cause.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(start, System.currentTimeMillis(), backend.get(), backend.get() != null, false, "interrupted");
        }
    }

    private static SSLContext trusting(Path cert) throws IOException, GeneralSecurityException {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(cert)) {
            trust.setCertificateEntry("soak", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return ssl;
    }

    private static byte[] body(int length, char fill) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) fill);
        b[length - 1] = '\n';
        return b;
    }
}
