package io.gantry.proxy.tls;

import io.netty.handler.ssl.SslContext;
import io.netty.util.Mapping;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which certificate answers which server name, immutable: an exact name first, then a wildcard
 * ({@code *.example.com} covers {@code www.example.com}, not {@code a.b.example.com} nor
 * {@code example.com}), else the default, the first certificate given. A new table replaces the old
 * one when a certificate changes; handshakes in progress finish with the one they looked up.
 */
public final class CertificateTable implements Mapping<String, SslContext> {

    /** One certificate with the context that serves it. */
    public record Entry(ServerCertificate certificate, SslContext context) {
    }

    private final List<Entry> entries;
    private final Map<String, Entry> exact = new HashMap<>();
    private final Map<String, Entry> wildcard = new HashMap<>();

    /** @param entries in priority order: where two certificates name the same host, the earlier wins */
    public CertificateTable(List<Entry> entries) {
        this.entries = List.copyOf(entries);
        for (Entry e : this.entries) {
            for (String name : e.certificate().names()) {
                if (name.startsWith("*.")) {
                    wildcard.putIfAbsent(name.substring(2), e);
                } else {
                    exact.putIfAbsent(name, e);
                }
            }
        }
    }

    public List<Entry> entries() {
        return entries;
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The entry for {@code serverName} (null or unknown: the default); null only when the table is empty. */
    public Entry select(String serverName) {
        if (entries.isEmpty()) {
            return null;
        }
        if (serverName != null) {
            String name = serverName.toLowerCase(Locale.ROOT);
            if (name.endsWith(".")) {
                name = name.substring(0, name.length() - 1);
            }
            Entry e = exact.get(name);
            if (e != null) {
                return e;
            }
            int dot = name.indexOf('.');
            if (dot > 0) {
                e = wildcard.get(name.substring(dot + 1));
                if (e != null) {
                    return e;
                }
            }
        }
        return entries.get(0);
    }

    @Override
    public SslContext map(String serverName) {
        Entry e = select(serverName);
        return e == null ? null : e.context();
    }
}
