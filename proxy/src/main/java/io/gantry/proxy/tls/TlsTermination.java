package io.gantry.proxy.tls;

import io.gantry.common.EtcdSettings;
import io.gantry.common.OwnerThread;
import io.gantry.proxy.ProxyMetrics;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslContext;
import io.netty.util.Mapping;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the HTTPS listener needs, wired together: the certificate store fed by files (polled
 * for renewals) and etcd (watched), session ticket keys rotated hourly, and the handlers that start
 * each connection's pipeline.
 */
public final class TlsTermination implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TlsTermination.class);
    /** How often certificate files are looked at; a renewal is served within two of these. */
    static final Duration POLL = Duration.ofMillis(500);
    static final Duration TICKET_KEY_ROTATION = Duration.ofHours(1);
    private static final Duration ETCD_FIRST_READ = Duration.ofSeconds(5);

    private final CertificateStore store;
    private final FileCertificateSource files;
    private final EtcdCertificateSource etcd;
    private final ScheduledExecutorService thread = OwnerThread.named("tls-certificates");
    private final Mapping<String, SslContext> mapping;

    /** @param etcdSettings where {@code settings.etcdPrefix()} is read from; unused without one */
    public TlsTermination(TlsSettings settings, EtcdSettings etcdSettings, ProxyMetrics metrics) {
        this.store = new CertificateStore(new ServerContexts(settings), metrics);
        this.files = new FileCertificateSource(settings, store);
        this.etcd = settings.etcdPrefix() == null ? null : new EtcdCertificateSource(etcdSettings, settings.etcdPrefix(), store);
        this.mapping = name -> store.table().map(name);
    }

    /**
     * Reads the certificate files (a broken one stops the start, naming it), reads etcd's (waiting
     * a few seconds at most), then keeps watching both.
     *
     * @throws IllegalArgumentException naming the file that cannot be served
     */
    public void start() throws InterruptedException {
        try {
            thread.submit(files::load).get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
        if (etcd != null) {
            etcd.start();
            if (!etcd.awaitFirstRead(ETCD_FIRST_READ)) {
                log.warn("certificates from etcd not read within {} s; serving the others until they are", ETCD_FIRST_READ.toSeconds());
            }
        }
        if (store.table().isEmpty()) {
            log.warn("no certificate to serve yet: HTTPS handshakes fail until one is given");
        }
        thread.scheduleWithFixedDelay(files::poll, POLL.toMillis(), POLL.toMillis(), TimeUnit.MILLISECONDS);
        thread.scheduleAtFixedRate(store::rotateTicketKeys, TICKET_KEY_ROTATION.toMillis(), TICKET_KEY_ROTATION.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** For the start-up line: the TLS implementation and the names served. */
    public String describe() {
        return store.contexts().providerName() + ", certificates " + store.table().entries().stream()
                .map(e -> e.certificate().names().toString()).toList();
    }

    /** Makes a new session ticket key the one that encrypts now (the proxy does it hourly by itself). */
    public void rotateTicketKeys() {
        store.rotateTicketKeys();
    }

    /** The table handshakes read now (for tests and the status page). */
    public CertificateTable certificates() {
        return store.table();
    }

    /**
     * Puts the TLS handlers first in a new connection's pipeline: the plaintext check that becomes SNI
     * then TLS, and the watch that times and logs the handshake.
     */
    public void addHandlers(ChannelPipeline p, Duration handshakeTimeout, ProxyMetrics metrics) {
        p.addLast(TlsOrPlaintext.NAME, new TlsOrPlaintext(mapping))
                .addLast("tls-handshake", new TlsHandshakeWatch(handshakeTimeout.toNanos(), metrics));
    }

    @Override
    public void close() {
        thread.shutdownNow();
        if (etcd != null) {
            etcd.close();
        }
    }
}
