package io.gantry.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The certificates of a TLS etcd ({@link EtcdExtension}'s {@code tls()} mode), made with the
 * {@code openssl} CLI in a directory, as an operator makes them: a throwaway CA, a server certificate
 * for 127.0.0.1 and localhost, and a client certificate (CN {@code gantry-client}, which is no etcd
 * user, so a test that passes proves the password was used, not the certificate's name). For server
 * certificates made in memory, see {@link TestCertificates}.
 */
public final class EtcdCertificates {

    private final Path dir;

    private EtcdCertificates(Path dir) {
        this.dir = dir;
    }

    /** Makes the CA, the server and the client certificates in {@code dir}. */
    public static EtcdCertificates create(Path dir) {
        EtcdCertificates c = new EtcdCertificates(dir);
        c.makeCa("ca");
        c.sign("server", "etcd", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
        c.sign("client", "gantry-client", "extendedKeyUsage=clientAuth\n");
        c.openssl("rsa", "-in", c.clientKey().toString(), "-traditional", "-out", c.clientKeyPkcs1().toString());
        return c;
    }

    /** Another CA, which signed nothing etcd presents: trusting it alone must fail. */
    public static Path otherCa(Path dir) {
        EtcdCertificates c = new EtcdCertificates(dir);
        c.makeCa("other-ca");
        return dir.resolve("other-ca.pem");
    }

    public Path ca() {
        return dir.resolve("ca.pem");
    }

    public Path serverCert() {
        return dir.resolve("server.pem");
    }

    public Path serverKey() {
        return dir.resolve("server.key");
    }

    public Path clientCert() {
        return dir.resolve("client.pem");
    }

    /** The client's RSA key in PKCS#8 form ({@code BEGIN PRIVATE KEY}). */
    public Path clientKey() {
        return dir.resolve("client.key");
    }

    /** The same key in PKCS#1 form ({@code BEGIN RSA PRIVATE KEY}), as cfssl writes keys. */
    public Path clientKeyPkcs1() {
        return dir.resolve("client-pkcs1.key");
    }

    private void makeCa(String name) {
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", dir.resolve(name + ".key").toString(), "-out", dir.resolve(name + ".pem").toString(),
                "-days", "2", "-subj", "/CN=gantry test " + name);
    }

    private void sign(String name, String commonName, String extensions) {
        Path ext = dir.resolve(name + ".ext");
        try {
            Files.writeString(ext, extensions);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String keyType = name.equals("client") ? "rsa:2048" : "ec";
        List<String> req = new ArrayList<>(List.of("req", "-newkey", keyType));
        if (keyType.equals("ec")) {
            req.addAll(List.of("-pkeyopt", "ec_paramgen_curve:P-256"));
        }
        req.addAll(List.of("-nodes", "-keyout", dir.resolve(name + ".key").toString(),
                "-out", dir.resolve(name + ".csr").toString(), "-subj", "/CN=" + commonName));
        openssl(req.toArray(String[]::new));
        openssl("x509", "-req", "-in", dir.resolve(name + ".csr").toString(), "-CA", ca().toString(),
                "-CAkey", dir.resolve("ca.key").toString(), "-CAcreateserial", "-days", "2",
                "-extfile", ext.toString(), "-out", dir.resolve(name + ".pem").toString());
    }

    private void openssl(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("openssl");
        cmd.addAll(List.of(args));
        try {
            Files.createDirectories(dir);
            Path log = dir.resolve("openssl.log");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", cmd) + " failed:\n" + Files.readString(log));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run openssl: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
