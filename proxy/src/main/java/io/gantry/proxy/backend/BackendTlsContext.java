package io.gantry.proxy.backend;

import io.gantry.common.DaemonThreads;
import io.gantry.common.PemFiles;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.NetUtil;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the proxy speaks TLS to backends: client contexts, built once, that every TLS backend
 * connection's {@link SslHandler} comes from: one offering ALPN {@code http/1.1}, one {@code h2} for
 * backends that speak HTTP/2. Certificates are verified against the system's CAs or the
 * {@code --backend-ca} file, and must name the backend's host (hostname verification); a host that is
 * a name, not an IP literal, is also sent as SNI. TLS 1.2 and 1.3; OpenSSL
 * (BoringSSL) when its native library loads, the JDK's TLS otherwise.
 */
public final class BackendTlsContext {

    private static final Logger log = LoggerFactory.getLogger(BackendTlsContext.class);

    /** The contexts for HTTP/1.1 and for HTTP/2 backends. */
    private record Contexts(SslContext http1, SslContext h2) {
    }

    private final CompletableFuture<Contexts> context;
    private final long handshakeTimeoutMillis;

    private BackendTlsContext(CompletableFuture<Contexts> context, long handshakeTimeoutMillis) {
        this.context = context;
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
    }

    /**
     * Builds the context now.
     *
     * @param ca PEM CA certificates to trust instead of the system's, or null for the system's
     * @param handshakeTimeout how long a handshake may take before the backend counts as failed
     * @throws IllegalArgumentException naming {@code --backend-ca} and the file when it is not readable PEM
     */
    public static BackendTlsContext create(Path ca, Duration handshakeTimeout) {
        BackendTlsContext tls = start(ca, handshakeTimeout, Runnable::run);
        tls.context(); // fails now, if it fails
        return tls;
    }

    /**
     * Reads the CA file now and builds the context on a thread of its own, for a proxy that may never
     * meet a TLS backend: loading OpenSSL takes long enough (0.3 s and more) to keep out of its start.
     *
     * @throws IllegalArgumentException naming {@code --backend-ca} and the file when it is not readable PEM
     */
    public static BackendTlsContext createInBackground(Path ca, Duration handshakeTimeout) {
        return start(ca, handshakeTimeout, task -> DaemonThreads.named("backend-tls-init").newThread(task).start());
    }

    private static BackendTlsContext start(Path ca, Duration handshakeTimeout, Executor executor) {
        List<X509Certificate> trusted = ca == null ? null : readCa(ca);
        String trust = ca == null ? "the system's CAs" : trusted.size() + " CA certificate(s) from " + ca;
        return new BackendTlsContext(CompletableFuture.supplyAsync(() -> {
            Contexts c = new Contexts(build(trusted, ApplicationProtocolNames.HTTP_1_1), build(trusted, ApplicationProtocolNames.HTTP_2));
            log.info("backends over TLS use {}, trusting {}", OpenSsl.isAvailable() ? "OpenSSL" : "the JDK's TLS", trust);
            return c;
        }, executor), handshakeTimeout.toMillis());
    }

    private static SslContext build(List<X509Certificate> trusted, String alpn) {
        SslProvider provider = OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
        SslContextBuilder builder = SslContextBuilder.forClient()
                .sslProvider(provider)
                .protocols("TLSv1.3", "TLSv1.2")
                .endpointIdentificationAlgorithm("HTTPS")
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        alpn));
        if (trusted != null) {
            builder.trustManager(trusted);
        }
        try {
            return builder.build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build the TLS context for backends: " + e.getMessage(), e);
        }
    }

    /** The contexts, waiting for them if they are still being built. */
    private Contexts context() {
        try {
            return context.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /**
     * The CA certificates in a PEM file.
     *
     * @throws IllegalArgumentException naming {@code --backend-ca} and the file when it is not readable PEM
     */
    public static List<X509Certificate> readCa(Path file) {
        try {
            return List.of(PemFiles.certificates(file));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--backend-ca " + e.getMessage());
        }
    }

    /**
     * A handler for one connection to {@code backend}: its host is the name the certificate must carry
     * and, unless it is an IP literal, the SNI sent; the handshake starts when the connection does.
     */
    public SslHandler newHandler(ByteBufAllocator alloc, Backend backend) {
        String host = backend.address().host();
        Contexts contexts = context();
        SslContext context = backend.protocol().http2() ? contexts.h2() : contexts.http1();
        SslHandler handler = context.newHandler(alloc, host, backend.address().port());
        SSLEngine engine = handler.engine();
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        if (!NetUtil.isValidIpV4Address(host) && !NetUtil.isValidIpV6Address(host)) {
            // Set here because neither engine sends a name without a dot (localhost, a container's name).
            try {
                parameters.setServerNames(List.of(new SNIHostName(host)));
            } catch (IllegalArgumentException e) {
                // Not a DNS name (an underscore, say): no SNI; hostname verification still applies.
            }
        }
        engine.setSSLParameters(parameters);
        handler.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
        return handler;
    }
}
