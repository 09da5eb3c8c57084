/**
 * TLS termination for the HTTPS listener: {@link io.gantry.proxy.tls.TlsSettings} (what was asked),
 * {@link io.gantry.proxy.tls.ServerCertificate} (a PEM chain and key, checked), where certificates come
 * from ({@link io.gantry.proxy.tls.FileCertificateSource}, {@link io.gantry.proxy.tls.EtcdCertificateSource}),
 * {@link io.gantry.proxy.tls.CertificateStore} and the {@link io.gantry.proxy.tls.CertificateTable} that
 * picks one by SNI, and the handlers that begin an HTTPS connection
 * ({@link io.gantry.proxy.tls.TlsOrPlaintext}, {@link io.gantry.proxy.tls.TlsHandshakeWatch}).
 * {@link io.gantry.proxy.tls.TlsTermination} wires them together.
 */
package io.gantry.proxy.tls;
