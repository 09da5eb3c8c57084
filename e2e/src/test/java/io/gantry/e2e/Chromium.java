package io.gantry.e2e;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Headless Chromium, one fresh browser (and profile) per page load, so every load is a new client
 * with new connections, as a user pressing reload in a new window. It resolves no host name but
 * {@code 127.0.0.1}, so whatever it tries of its own (updates, dictionaries) goes nowhere.
 */
final class Chromium {

    /** A page as a user sees it ({@link #dom}) and as the network saw it ({@link #net}). */
    record Load(String dom, NetLog net) {
    }

    private static final Pattern LOAD_FAILED = Pattern.compile("Page load failed: (\\S+)");

    private final Path work;
    private final List<String> trust;
    private int runs;

    Chromium(Path work) {
        this(work, List.of());
    }

    private Chromium(Path work, List<String> trust) {
        this.work = work;
        this.trust = trust;
    }

    /**
     * A browser that also accepts exactly the certificate in {@code pem}, known by the SHA-256 of its
     * public key (Chromium's {@code --ignore-certificate-errors-spki-list}): no other certificate
     * error is ignored.
     */
    Chromium trusting(Path pem) throws Exception {
        X509Certificate cert = certificate(Files.readString(pem));
        byte[] spki = cert.getPublicKey().getEncoded();
        String hash = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(spki));
        return new Chromium(work.resolve("trusting-" + cert.getSerialNumber().toString(16)),
                List.of("--ignore-certificate-errors-spki-list=" + hash));
    }

    /** The page's DOM after it loaded, as Chromium serialises it; an AssertionError when it did not load. */
    String dom(String url) throws Exception {
        return run(List.of("--dump-dom", url));
    }

    /**
     * Loads {@code url} as {@link #dom} does, and reads from Chromium's net log how: the TLS
     * connections it made and the addresses it connected to.
     */
    Load load(String url) throws Exception {
        Path log = work.resolve("netlog-" + (runs + 1) + ".json");
        String dom = run(List.of("--log-net-log=" + log.toAbsolutePath(), "--dump-dom", url));
        return new Load(dom, NetLog.read(log));
    }

    /** Saves a screenshot of {@code url} to {@code png}. */
    void screenshot(String url, Path png) throws Exception {
        run(List.of("--window-size=1024,640", "--screenshot=" + png.toAbsolutePath(), url));
        if (!Files.isRegularFile(png) || Files.size(png) == 0) {
            throw new AssertionError("chromium wrote no screenshot to " + png);
        }
    }

    static X509Certificate certificate(String pem) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    }

    private String run(List<String> args) throws Exception {
        int n = ++runs;
        Path profile = Files.createDirectories(work.resolve("profile-" + n));
        Path out = work.resolve("out-" + n + ".html");
        Path err = work.resolve("err-" + n + ".log");
        List<String> cmd = new ArrayList<>(List.of("chromium", "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--user-data-dir=" + profile,
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"));
        cmd.addAll(trust);
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("chromium did not finish within 60 s: " + tail(err));
        }
        if (p.exitValue() != 0) {
            throw new AssertionError("chromium exited " + p.exitValue() + ": " + tail(err));
        }
        // A page that failed to load (a refused connection, a certificate not trusted) still exits 0,
        // with an empty DOM and this line on stderr.
        Optional<String> failed = loadFailure(err);
        if (failed.isPresent()) {
            throw new AssertionError("chromium could not load " + args.get(args.size() - 1) + ": " + failed.get());
        }
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    private static Optional<String> loadFailure(Path err) throws IOException {
        Matcher m = LOAD_FAILED.matcher(Files.exists(err) ? Files.readString(err) : "");
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    private static String tail(Path log) throws IOException {
        String s = Files.exists(log) ? Files.readString(log) : "";
        return s.length() > 2000 ? s.substring(s.length() - 2000) : s;
    }
}
