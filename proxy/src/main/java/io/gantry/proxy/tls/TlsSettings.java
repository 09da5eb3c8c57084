package io.gantry.proxy.tls;

import io.gantry.common.ServiceKeys;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * How the HTTPS listener terminates TLS, immutable: where certificates come from (file pairs,
 * certbot-style directories, an etcd prefix) and which protocols and ciphers it speaks.
 *
 * @param pairs certificate chain and key files, in the order given; the first certificate read is the default
 * @param dirs directories in certbot's layout, {@code DIR/<name>/fullchain.pem} and {@code DIR/<name>/privkey.pem}
 * @param etcdPrefix the etcd prefix whose keys hold JSON {@code {"cert": PEM, "key": PEM}}, or null
 * @param protocols the TLS versions offered, e.g. {@code TLSv1.2, TLSv1.3}
 * @param ciphers the cipher suites offered (IANA names, or OpenSSL's)
 * @param applicationProtocols what ALPN offers, preferred first: {@code h2, http/1.1}, or {@code http/1.1} alone
 */
public record TlsSettings(List<CertificateFiles> pairs, List<Path> dirs, String etcdPrefix, List<String> protocols,
        List<String> ciphers, List<String> applicationProtocols) {

    /** HTTP/2 first, as browsers prefer it, and HTTP/1.1 for the clients that do not speak it. */
    public static final List<String> DEFAULT_APPLICATION_PROTOCOLS = List.of("h2", "http/1.1");

    /** Settings offering {@link #DEFAULT_APPLICATION_PROTOCOLS}. */
    public TlsSettings(List<CertificateFiles> pairs, List<Path> dirs, String etcdPrefix, List<String> protocols,
            List<String> ciphers) {
        this(pairs, dirs, etcdPrefix, protocols, ciphers, DEFAULT_APPLICATION_PROTOCOLS);
    }

    /** TLS 1.2 and 1.3: what Mozilla's "intermediate" configuration allows. */
    public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.2", "TLSv1.3");

    /** Mozilla's "intermediate" cipher list (without DHE, which BoringSSL does not offer), TLS 1.3 suites first. */
    public static final List<String> DEFAULT_CIPHERS = List.of(
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    private static final Set<String> KNOWN_PROTOCOLS = Set.of("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3");

    /** A certificate chain file and its private key file. */
    public record CertificateFiles(Path cert, Path key) {
        @Override
        public String toString() {
            return cert + " + " + key;
        }
    }

    public TlsSettings {
        pairs = List.copyOf(pairs);
        dirs = List.copyOf(dirs);
        protocols = List.copyOf(protocols);
        ciphers = List.copyOf(ciphers);
        applicationProtocols = List.copyOf(applicationProtocols);
        etcdPrefix = etcdPrefix == null ? null : ServiceKeys.normalizePrefix(etcdPrefix);
        if (pairs.isEmpty() && dirs.isEmpty() && etcdPrefix == null) {
            throw new IllegalArgumentException("--tls-listen needs certificates: give --tls-cert FILE --tls-key FILE, "
                    + "--tls-dir DIR or --tls-etcd-prefix PREFIX");
        }
        if (protocols.isEmpty()) {
            throw new IllegalArgumentException("--tls-protocols names no protocol");
        }
        for (String p : protocols) {
            if (!KNOWN_PROTOCOLS.contains(p)) {
                throw new IllegalArgumentException("--tls-protocols: unknown protocol '" + p + "' (known: TLSv1.2, TLSv1.3, TLSv1.1, TLSv1)");
            }
        }
        if (ciphers.isEmpty()) {
            throw new IllegalArgumentException("--tls-ciphers names no cipher");
        }
    }

    /** Pairs {@code --tls-cert} and {@code --tls-key} values by their order on the command line. */
    public static List<CertificateFiles> pair(List<Path> certs, List<Path> keys) {
        if (certs.size() != keys.size()) {
            throw new IllegalArgumentException("--tls-cert is given " + certs.size() + " times and --tls-key "
                    + keys.size() + ": each certificate needs its key");
        }
        return java.util.stream.IntStream.range(0, certs.size())
                .mapToObj(i -> new CertificateFiles(certs.get(i), keys.get(i)))
                .toList();
    }
}
