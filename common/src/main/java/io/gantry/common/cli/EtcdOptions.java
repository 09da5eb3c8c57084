package io.gantry.common.cli;

import io.gantry.common.EtcdSettings;
import io.gantry.common.PemFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Function;
import picocli.CommandLine.Option;

/**
 * The flags every program reaches etcd with, in etcdctl's words: a picocli {@code @Mixin}. Each
 * setting comes from its flag, else the {@code --config} file, else etcdctl's environment variable
 * ({@code ETCDCTL_ENDPOINTS}, {@code ETCDCTL_CACERT}, {@code ETCDCTL_CERT}, {@code ETCDCTL_KEY},
 * {@code ETCDCTL_USER}, {@code ETCDCTL_PASSWORD}). Files are read up front, so a missing certificate
 * is one line naming the flag (or variable) and the file, never a failure later at connect time.
 * TLS variables are used only with {@code https://} endpoints; TLS flags with {@code http://} are an error.
 */
public final class EtcdOptions {

    @Option(names = "--etcd", paramLabel = "URLS",
            description = "etcd endpoints, comma-separated, all http:// or all https:// (default: $ETCDCTL_ENDPOINTS).")
    EtcdSettings endpoints;

    @Option(names = "--etcd-cacert", paramLabel = "FILE",
            description = "PEM CA certificates that verify etcd's certificate (default: $ETCDCTL_CACERT, else the JDK's CAs).")
    Path caCert;

    @Option(names = "--etcd-cert", paramLabel = "FILE",
            description = "PEM client certificate, for an etcd with --client-cert-auth (default: $ETCDCTL_CERT).")
    Path cert;

    @Option(names = "--etcd-key", paramLabel = "FILE",
            description = "PEM private key of --etcd-cert: PKCS#8, PKCS#1 or SEC1, unencrypted (default: $ETCDCTL_KEY).")
    Path key;

    @Option(names = "--etcd-user", paramLabel = "NAME[:PASSWORD]",
            description = "etcd user to authenticate as (default: $ETCDCTL_USER).")
    String user;

    @Option(names = "--etcd-password-file", paramLabel = "FILE",
            description = "File whose first line is --etcd-user's password (default: $ETCDCTL_PASSWORD).")
    Path passwordFile;

    private final Function<String, String> environment;

    public EtcdOptions() {
        this(System::getenv);
    }

    /**
     * Reads variables from {@code environment} instead of the process's: for tests, and for a program
     * that adds its own names or a default endpoint in front of etcdctl's ({@code ctl}).
     */
    public EtcdOptions(Function<String, String> environment) {
        this.environment = environment;
    }

    /** Whether {@code --etcd} was given, as a flag or in the config file (not only in the environment). */
    public boolean endpointsGiven() {
        return endpoints != null;
    }

    /**
     * The settings these flags, the config file and the environment describe.
     *
     * @throws IllegalArgumentException naming the flag or variable, when no endpoint is given or a value is bad
     */
    public EtcdSettings required() {
        EtcdSettings settings = optional();
        if (settings == null) {
            throw new IllegalArgumentException("--etcd URL is required (or ETCDCTL_ENDPOINTS in the environment)");
        }
        return settings;
    }

    /** Like {@link #required}, but null when no endpoint is given anywhere. */
    public EtcdSettings optional() {
        EtcdSettings settings = endpoints != null ? endpoints : fromEnvironment();
        if (settings == null) {
            if (caCert != null || cert != null || key != null || user != null || passwordFile != null) {
                throw new IllegalArgumentException("--etcd-* flags need --etcd URLS (or ETCDCTL_ENDPOINTS)");
            }
            return null;
        }
        return settings.withTls(tls(settings)).withCredentials(credentials());
    }

    private EtcdSettings fromEnvironment() {
        String text = env("ETCDCTL_ENDPOINTS");
        if (text == null) {
            return null;
        }
        try {
            return EtcdSettings.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("ETCDCTL_ENDPOINTS: " + e.getMessage());
        }
    }

    private EtcdSettings.Tls tls(EtcdSettings settings) {
        if (settings.tls() == null) {
            String flag = caCert != null ? "--etcd-cacert" : cert != null ? "--etcd-cert" : key != null ? "--etcd-key" : null;
            if (flag != null) {
                throw new IllegalArgumentException(flag + " needs https:// endpoints, not '" + settings + "'");
            }
            return null;
        }
        Source ca = pick(caCert, "--etcd-cacert", "ETCDCTL_CACERT");
        Source certificate = pick(cert, "--etcd-cert", "ETCDCTL_CERT");
        Source privateKey = pick(key, "--etcd-key", "ETCDCTL_KEY");
        if (certificate == null && privateKey != null) {
            throw new IllegalArgumentException(privateKey.name() + " needs --etcd-cert (or ETCDCTL_CERT)");
        }
        if (certificate != null && privateKey == null) {
            throw new IllegalArgumentException(certificate.name() + " needs --etcd-key (or ETCDCTL_KEY)");
        }
        if (ca != null) {
            check(ca, () -> PemFiles.certificates(ca.path()));
        }
        if (certificate != null) {
            check(certificate, () -> PemFiles.certificates(certificate.path()));
            check(privateKey, () -> PemFiles.privateKey(privateKey.path()));
        }
        return new EtcdSettings.Tls(path(ca), path(certificate), path(privateKey));
    }

    private EtcdSettings.Credentials credentials() {
        Source userSource = user != null ? new Source("--etcd-user", user) : envSource("ETCDCTL_USER");
        if (userSource == null) {
            if (passwordFile != null) {
                throw new IllegalArgumentException("--etcd-password-file needs --etcd-user");
            }
            return null;
        }
        String text = userSource.value();
        int colon = text.indexOf(':');
        String name = colon < 0 ? text : text.substring(0, colon);
        String inline = colon < 0 ? null : text.substring(colon + 1);
        if (name.isEmpty()) {
            throw new IllegalArgumentException(userSource.name() + ": no user name before ':'");
        }
        boolean fromFlag = userSource.name().startsWith("--");
        if (inline != null && fromFlag && passwordFile != null) {
            throw new IllegalArgumentException("--etcd-user has a password and so has --etcd-password-file; give one");
        }
        String password;
        if (inline != null && (fromFlag || passwordFile == null)) {
            password = inline;
        } else if (passwordFile != null) {
            password = readPassword(passwordFile);
        } else {
            password = environment.apply("ETCDCTL_PASSWORD"); // as it is: spaces may be part of a password
        }
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException(userSource.name() + " " + name
                    + " has no password: give NAME:PASSWORD, --etcd-password-file FILE or ETCDCTL_PASSWORD");
        }
        return new EtcdSettings.Credentials(name, password);
    }

    private static String readPassword(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("--etcd-password-file " + file + ": no such file");
        } catch (AccessDeniedException e) {
            throw new IllegalArgumentException("--etcd-password-file " + file + ": permission denied");
        } catch (IOException e) {
            throw new IllegalArgumentException("--etcd-password-file " + file + ": cannot read (" + e.getMessage() + ")");
        }
        String first = text.lines().findFirst().orElse("");
        if (first.isEmpty()) {
            throw new IllegalArgumentException("--etcd-password-file " + file + ": the first line is empty");
        }
        return first;
    }

    /** Where a value came from (a flag or a variable), for error messages. */
    private record Source(String name, String value) {
        Path path() {
            return Path.of(value);
        }
    }

    private Source pick(Path flagValue, String flag, String variable) {
        return flagValue != null ? new Source(flag, flagValue.toString()) : envSource(variable);
    }

    private Source envSource(String variable) {
        String value = env(variable);
        return value == null ? null : new Source(variable, value);
    }

    private String env(String variable) {
        String value = environment.apply(variable);
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static Path path(Source s) {
        return s == null ? null : s.path();
    }

    private static void check(Source source, Runnable read) {
        try {
            read.run();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source.name() + " " + e.getMessage());
        }
    }
}
