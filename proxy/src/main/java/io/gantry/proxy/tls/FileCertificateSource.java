package io.gantry.proxy.tls;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Certificates from files: the {@code --tls-cert}/{@code --tls-key} pairs, then every
 * {@code DIR/<name>/fullchain.pem} + {@code privkey.pem} of each {@code --tls-dir} (certbot's
 * {@code live/} layout, symlinks followed). {@link #poll} notices a file that changed (its target,
 * time or size) and, once it has been still for one poll, reads it again: a renewal is served to new
 * handshakes, a broken or mismatched one is refused with one log line and the previous certificate
 * stays. Owned by one thread.
 */
public final class FileCertificateSource {

    private static final Logger log = LoggerFactory.getLogger(FileCertificateSource.class);

    private final TlsSettings settings;
    private final CertificateStore store;
    /** By cert file path, in the order they rank. */
    private final Map<Path, Place> places = new LinkedHashMap<>();

    /** One certificate's pair of files and what was last read from them. */
    private static final class Place {
        final Path cert;
        final Path key;
        final boolean fromDir;
        ServerCertificate current;
        Object seen;     // the files' fingerprint when last read (or refused)
        Object pending;  // a new fingerprint waiting to be still for one poll

        Place(Path cert, Path key, boolean fromDir) {
            this.cert = cert;
            this.key = key;
            this.fromDir = fromDir;
        }
    }

    public FileCertificateSource(TlsSettings settings, CertificateStore store) {
        this.settings = settings;
        this.store = store;
    }

    /**
     * Reads every certificate now, at start.
     *
     * @throws IllegalArgumentException naming the first file that cannot be served
     */
    public void load() {
        for (TlsSettings.CertificateFiles pair : settings.pairs()) {
            places.putIfAbsent(pair.cert(), new Place(pair.cert(), pair.key(), false));
        }
        for (Path dir : settings.dirs()) {
            if (!Files.isDirectory(dir)) {
                throw new IllegalArgumentException("--tls-dir " + dir + ": not a directory");
            }
            List<Place> found = scan(dir);
            if (found == null) {
                throw new IllegalArgumentException("--tls-dir " + dir + ": cannot be read");
            }
            for (Place p : found) {
                places.putIfAbsent(p.cert, p);
            }
        }
        for (Place p : places.values()) {
            p.seen = fingerprint(p);
            p.current = ServerCertificate.read(p.cert, p.key);
            store.prepare(p.current);
        }
        publish();
    }

    /** Looks for changed, new and removed certificates; called every few hundred milliseconds. */
    public void poll() {
        boolean changed = false;
        Set<Path> present = new HashSet<>();
        Set<Path> unreadable = new HashSet<>();
        for (Path dir : settings.dirs()) {
            List<Place> found = scan(dir);
            if (found == null) {
                unreadable.add(dir);
                continue;
            }
            for (Place p : found) {
                present.add(p.cert);
                if (!places.containsKey(p.cert)) {
                    places.put(p.cert, p); // read below, once it is still
                }
            }
        }
        for (var it = places.values().iterator(); it.hasNext(); ) {
            Place p = it.next();
            if (p.fromDir && !present.contains(p.cert) && !unreadable.contains(p.cert.getParent().getParent())) {
                if (p.current != null) {
                    log.info("certificate {} removed; no longer served", p.cert.getParent());
                    changed = true;
                }
                it.remove();
                continue;
            }
            changed |= check(p);
        }
        if (changed) {
            publish();
        }
    }

    private boolean check(Place p) {
        Object now = fingerprint(p);
        if (Objects.equals(now, p.seen)) {
            p.pending = null;
            return false;
        }
        if (!Objects.equals(now, p.pending)) {
            p.pending = now; // still being written, maybe: read it once it stayed so for a poll
            return false;
        }
        p.pending = null;
        p.seen = now;
        try {
            ServerCertificate next = ServerCertificate.read(p.cert, p.key);
            store.prepare(next);
            p.current = next;
            log.info("certificate {} loaded for {}, valid until {}", p.cert, next.names(), next.leaf().getNotAfter().toInstant());
            return true;
        } catch (IllegalArgumentException e) {
            store.refused();
            log.warn("certificate refused: {}; {}", e.getMessage(),
                    p.current != null ? "still serving the previous one" : "not served");
            return false;
        }
    }

    private void publish() {
        store.update(CertificateStore.Source.FILES,
                places.values().stream().map(p -> p.current).filter(Objects::nonNull).toList());
    }

    /** The subdirectories of a certbot-style directory holding both files, by name; null when it cannot be read. */
    private static List<Place> scan(Path dir) {
        TreeSet<Path> names = new TreeSet<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path e : entries) {
                if (Files.isRegularFile(e.resolve("fullchain.pem")) && Files.isRegularFile(e.resolve("privkey.pem"))) {
                    names.add(e);
                }
            }
        } catch (IOException e) {
            return null; // gone or unreadable for now: its certificates stay until it is back
        }
        return names.stream().map(d -> new Place(d.resolve("fullchain.pem"), d.resolve("privkey.pem"), true)).toList();
    }

    /** What changes when either file is replaced: where its symlinks lead, its time and its size. */
    private static Object fingerprint(Place p) {
        return List.of(stat(p.cert), stat(p.key));
    }

    private static String stat(Path file) {
        try {
            Path real = file.toRealPath();
            BasicFileAttributes a = Files.readAttributes(real, BasicFileAttributes.class);
            return real + "@" + a.lastModifiedTime() + "/" + a.size() + "/" + a.fileKey();
        } catch (IOException e) {
            return "missing";
        }
    }
}
