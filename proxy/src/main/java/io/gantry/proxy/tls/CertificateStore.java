package io.gantry.proxy.tls;

import io.gantry.proxy.ProxyMetrics;
import io.netty.handler.ssl.SslContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The certificates the HTTPS listener serves, gathered from its sources (files, etcd) into one
 * {@link CertificateTable} that handshakes read without locking. A source hands over its whole current
 * list whenever it changes; a certificate that did not change keeps its context, and with it the
 * sessions it can resume. Every context shares the {@link TicketKeys}.
 */
public final class CertificateStore {

    /** Where a source's certificates rank: files first (the first one given is the default), then etcd. */
    public enum Source { FILES, ETCD }

    private final ServerContexts contexts;
    private final ProxyMetrics metrics;
    private final TicketKeys ticketKeys = new TicketKeys();
    private final Map<Source, List<ServerCertificate>> bySource = new HashMap<>();
    private final Map<ServerCertificate, SslContext> built = new HashMap<>();
    private volatile CertificateTable table = new CertificateTable(List.of());

    public CertificateStore(ServerContexts contexts, ProxyMetrics metrics) {
        this.contexts = contexts;
        this.metrics = metrics;
    }

    /** A source refused a certificate (it logged why): counted for the operator's alerts. */
    void refused() {
        metrics.certificateRefused();
    }

    /** The table handshakes read now. */
    public CertificateTable table() {
        return table;
    }

    public ServerContexts contexts() {
        return contexts;
    }

    /**
     * Makes (or finds) the context that will serve {@code certificate}, so a source can refuse a
     * certificate that cannot be served before it replaces a good one.
     *
     * @throws IllegalArgumentException naming the certificate when it cannot be served
     */
    public synchronized SslContext prepare(ServerCertificate certificate) {
        SslContext context = built.get(certificate);
        if (context == null) {
            context = contexts.build(certificate);
            ticketKeys.applyTo(context);
            built.put(certificate, context);
        }
        return context;
    }

    /** Replaces {@code source}'s certificates with {@code certificates} and publishes the new table. */
    public synchronized void update(Source source, List<ServerCertificate> certificates) {
        bySource.put(source, List.copyOf(certificates));
        List<CertificateTable.Entry> entries = new ArrayList<>();
        Set<ServerCertificate> live = new HashSet<>();
        for (Source s : Source.values()) {
            for (ServerCertificate c : bySource.getOrDefault(s, List.of())) {
                entries.add(new CertificateTable.Entry(c, prepare(c)));
                live.add(c);
            }
        }
        built.keySet().retainAll(live);
        table = new CertificateTable(entries);
    }

    /** A new ticket key encrypts from now on, for every certificate. */
    public synchronized void rotateTicketKeys() {
        ticketKeys.rotate();
        built.values().forEach(ticketKeys::applyTo);
    }
}
