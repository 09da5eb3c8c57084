package io.gantry.proxy.tls;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * Makes the server-side {@link SslContext} of one certificate, all alike: the configured protocols and
 * ciphers, ALPN offering {@code h2} and {@code http/1.1}, a session cache, and OpenSSL (BoringSSL) where its native
 * library loads, the JDK's TLS otherwise.
 */
public final class ServerContexts {

    /** How long a session may be resumed (cache entries and tickets). */
    static final long SESSION_TIMEOUT_SECONDS = 3600;
    private static final long SESSION_CACHE_SIZE = 20_000;

    private final TlsSettings settings;
    private final SslProvider provider;

    /** @throws IllegalArgumentException naming the ciphers this TLS implementation does not know */
    public ServerContexts(TlsSettings settings) {
        this.settings = settings;
        this.provider = OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
        List<String> unknown = settings.ciphers().stream().filter(c -> !known(c)).toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("--tls-ciphers: " + String.join(", ", unknown) + " not known to "
                    + (openSsl() ? "BoringSSL" : "the JDK") + " (names like TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 or ECDHE-ECDSA-AES128-GCM-SHA256)");
        }
    }

    private boolean known(String cipher) {
        if (openSsl()) {
            return OpenSsl.isCipherSuiteAvailable(cipher);
        }
        try {
            return List.of(javax.net.ssl.SSLContext.getDefault().getSupportedSSLParameters().getCipherSuites()).contains(cipher);
        } catch (java.security.NoSuchAlgorithmException e) {
            return false;
        }
    }

    /** Whether contexts use OpenSSL (and so take {@link TicketKeys}). */
    public boolean openSsl() {
        return provider == SslProvider.OPENSSL;
    }

    /** For the start-up line: which TLS implementation serves handshakes. */
    public String providerName() {
        return openSsl() ? "OpenSSL (" + OpenSsl.versionString() + ")"
                : "the JDK's TLS (OpenSSL not loaded: " + String.valueOf(OpenSsl.unavailabilityCause()) + ")";
    }

    /**
     * The context serving {@code certificate}.
     *
     * @throws IllegalArgumentException naming the certificate's origin when the settings cannot be applied
     */
    public SslContext build(ServerCertificate certificate) {
        try {
            return SslContextBuilder.forServer(certificate.key(), certificate.chain().toArray(X509Certificate[]::new))
                    .sslProvider(provider)
                    .protocols(settings.protocols())
                    .ciphers(settings.ciphers(), SupportedCipherSuiteFilter.INSTANCE)
                    .clientAuth(ClientAuth.NONE)
                    .sessionCacheSize(SESSION_CACHE_SIZE)
                    .sessionTimeout(SESSION_TIMEOUT_SECONDS)
                    .applicationProtocolConfig(new ApplicationProtocolConfig(
                            ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                            settings.applicationProtocols()))
                    .build();
        } catch (SSLException | RuntimeException e) {
            throw new IllegalArgumentException(certificate.origin() + ": cannot serve it with --tls-protocols "
                    + String.join(",", settings.protocols()) + " and the given --tls-ciphers ("
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")");
        }
    }
}
