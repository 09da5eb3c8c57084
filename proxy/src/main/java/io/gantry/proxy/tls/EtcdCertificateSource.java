package io.gantry.proxy.tls;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gantry.common.EtcdSettings;
import io.gantry.proxy.source.EtcdPrefixWatch;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Certificates shared by every public node: each key under the prefix holds JSON
 * {@code {"cert": "<PEM chain>", "key": "<PEM key>"}}, watched like backends, so a renewal written
 * once reaches every node. A value that cannot be served is refused with one log line and only its
 * key is affected: the certificate that key held before stays. Runs on the watch's thread.
 */
public final class EtcdCertificateSource implements EtcdPrefixWatch.Listener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EtcdCertificateSource.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CertificateStore store;
    private final EtcdPrefixWatch watch;
    private final TreeMap<String, ServerCertificate> certificates = new TreeMap<>();
    private final Map<String, String> refused = new HashMap<>();
    private boolean changed;

    public EtcdCertificateSource(EtcdSettings settings, String prefix, CertificateStore store) {
        this.store = store;
        this.watch = new EtcdPrefixWatch(settings, prefix, "certificates", this, state -> { });
    }

    public void start() {
        watch.start();
    }

    /** Waits at most {@code timeout} for the first read of the prefix. */
    public boolean awaitFirstRead(Duration timeout) throws InterruptedException {
        return watch.awaitFirstRead(timeout);
    }

    @Override
    public void clear() {
        // A full read after a compaction: keys absent from it are deleted then; the ones present are put again.
        certificates.clear();
        changed = true;
    }

    @Override
    public void put(String key, String value) {
        ServerCertificate previous = certificates.get(key);
        try {
            JsonNode json = JSON.readTree(value);
            String cert = text(json, "cert");
            String pem = text(json, "key");
            ServerCertificate next = ServerCertificate.parse(key, cert, pem);
            store.prepare(next);
            if (!next.equals(previous)) {
                certificates.put(key, next);
                changed = true;
                log.info("certificate {} loaded for {}, valid until {}", key, next.names(), next.leaf().getNotAfter().toInstant());
            }
            refused.remove(key);
        } catch (Exception e) {
            if (!value.equals(refused.put(key, value))) {
                store.refused();
                String reason = e instanceof IllegalArgumentException ? e.getMessage() : "value is not JSON with \"cert\" and \"key\"";
                log.warn("certificate {} refused: {}; {}", key, reason, previous != null ? "still serving the previous one" : "not served");
            }
        }
    }

    private static String text(JsonNode json, String field) {
        JsonNode n = json == null ? null : json.get(field);
        if (n == null || !n.isTextual()) {
            throw new IllegalArgumentException("value has no \"" + field + "\" PEM string");
        }
        return n.asText();
    }

    @Override
    public void delete(String key) {
        refused.remove(key);
        if (certificates.remove(key) != null) {
            changed = true;
            log.info("certificate {} deleted; no longer served", key);
        }
    }

    @Override
    public void batchDone() {
        if (changed) {
            changed = false;
            store.update(CertificateStore.Source.ETCD, java.util.List.copyOf(certificates.values()));
        }
    }

    @Override
    public void close() {
        watch.close();
    }
}
