package io.gantry.testing;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Real nginx backends ({@code nginx} from PATH), one process each on a free loopback port, so each
 * can be stopped and started on its own. Backend {@code i} (from 1) serves {@code /} as a page naming
 * itself ({@code backend-i}), {@code /headers} as the request headers a proxy must rewrite, and any
 * file a test adds with {@link #createFile}. With {@link #withTls} a backend serves HTTPS instead.
 */
public final class NginxExtension implements BeforeAllCallback, AfterAllCallback {

    private final int count;
    private final List<Backend> backends = new ArrayList<>();
    private IntFunction<TlsFiles> tls = i -> null;
    private IntFunction<String> locations = i -> "";
    private Path dir;

    public NginxExtension(int count) {
        this.count = count;
    }

    /** A PEM certificate chain (leaf first) and its PEM private key, which a backend serves HTTPS with. */
    public record TlsFiles(Path cert, Path key) {
    }

    /**
     * Makes backend {@code i} serve HTTPS (TLS 1.2 and 1.3) with {@code files.apply(i)}, or cleartext
     * HTTP when that is null; asked for each backend as the backends are set up. The access log of an
     * HTTPS backend also carries the SNI name it was sent and the protocol.
     */
    public NginxExtension withTls(IntFunction<TlsFiles> files) {
        this.tls = files;
        return this;
    }

    /**
     * Adds {@code locations.apply(i)} to backend {@code i}'s server block; they may use the echo module
     * ({@code echo_sleep 0.05; echo "...";}, Debian's libnginx-mod-http-echo), which is then loaded.
     */
    public NginxExtension withLocations(IntFunction<String> locations) {
        this.locations = locations;
        return this;
    }

    /** The echo module's file, as Debian installs it. */
    public static final String ECHO_MODULE = "/usr/lib/nginx/modules/ngx_http_echo_module.so";

    /** One nginx backend. */
    public final class Backend {
        private final int index;
        private final int port;
        private final Path home;
        private ChildProcess nginx;

        Backend(int index, int port, Path home) {
            this.index = index;
            this.port = port;
            this.home = home;
        }

        public String name() {
            return "backend-" + index;
        }

        public int port() {
            return port;
        }

        /** {@code 127.0.0.1:<port>}, the value the etcd contract stores. */
        public String address() {
            return "127.0.0.1:" + port;
        }

        public boolean isRunning() {
            return nginx != null && nginx.isAlive();
        }

        /** Starts nginx and waits until it accepts connections. */
        public void start() {
            nginx = ChildProcess.start(name(), List.of("nginx", "-p", home.toString(), "-c", home.resolve("nginx.conf").toString(),
                    "-e", home.resolve("error.log").toString()), home.resolve("stdout.log"));
            Poll.until(Duration.ofSeconds(10), name() + " listening on " + address(), () -> {
                if (!nginx.isAlive()) {
                    throw new AssertionError(name() + " exited: " + nginx.output() + read(home.resolve("error.log")));
                }
                return accepts(port);
            });
        }

        /** Stops nginx (SIGKILL, then waits), as a crash would. */
        public void kill() {
            nginx.kill();
        }

        /** The access log: one line per request that reached this backend. */
        public List<String> accessLog() {
            String text = read(home.resolve("access.log"));
            return text.isEmpty() ? List.of() : List.of(text.split("\n"));
        }

        /**
         * Adds a sparse file of {@code size} bytes at {@code /<name>} on this backend only, so that a
         * 200 for it through a proxy says which backend answered.
         */
        public void createFile(String name, long size) {
            Path file = home.resolve("www").resolve(name);
            try {
                Files.createDirectories(file.getParent());
                try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
                    f.setLength(size);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("gantry-nginx");
        for (int i = 1; i <= count; i++) {
            Path home = dir.resolve("backend-" + i);
            Files.createDirectories(home.resolve("www"));
            Files.createDirectories(home.resolve("tmp"));
            int port = FreePorts.pick();
            Backend b = new Backend(i, port, home);
            Files.writeString(home.resolve("www/index.html"), "<html><body><h1>" + b.name() + "</h1></body></html>\n");
            Files.writeString(home.resolve("nginx.conf"), config(home, port, tls.apply(i), locations.apply(i)));
            backends.add(b);
            b.start();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        for (Backend b : backends) {
            if (b.nginx != null) {
                b.nginx.kill();
            }
        }
        TempDirs.delete(dir);
    }

    /** Backend {@code i}, counting from 1. */
    public Backend backend(int i) {
        return backends.get(i - 1);
    }

    public List<Backend> all() {
        return List.copyOf(backends);
    }

    /** Adds a sparse file of {@code size} bytes at {@code /<name>} on every backend. */
    public void createFile(String name, long size) {
        for (Backend b : backends) {
            b.createFile(name, size);
        }
    }

    private static String config(Path home, int port, TlsFiles tls, String locations) {
        String user = "root".equals(System.getProperty("user.name")) ? "user root root;\n" : "";
        if (!locations.isEmpty()) {
            user = "load_module " + ECHO_MODULE + ";\n" + user;
        }
        String listen = tls == null ? "listen 127.0.0.1:" + port + ";" : """
                listen 127.0.0.1:%d ssl;
                    ssl_certificate %s;
                    ssl_certificate_key %s;
                    ssl_protocols TLSv1.2 TLSv1.3;""".formatted(port, tls.cert(), tls.key());
        // $ssl_server_name is the SNI name the client sent, "-" for none.
        String tlsFields = tls == null ? "" : "|$ssl_server_name|$ssl_protocol";
        return user + """
                worker_processes 1;
                daemon off;
                pid %1$s/nginx.pid;
                events { worker_connections 1024; }
                http {
                  log_format gantry '$connection|$request|$http_host|$http_x_forwarded_for|$content_length|$http_transfer_encoding%3$s';
                  access_log %1$s/access.log gantry;
                  client_body_temp_path %1$s/tmp/body;
                  proxy_temp_path %1$s/tmp/proxy;
                  fastcgi_temp_path %1$s/tmp/fastcgi;
                  uwsgi_temp_path %1$s/tmp/uwsgi;
                  scgi_temp_path %1$s/tmp/scgi;
                  default_type application/octet-stream;
                  types { text/html html; }
                  keepalive_requests 1000000;
                  server {
                    %2$s
                    root %1$s/www;
                    location = /headers {
                      default_type text/plain;
                      return 200 "host=$http_host\\nxff=$http_x_forwarded_for\\nxfp=$http_x_forwarded_proto\\nxfh=$http_x_forwarded_host\\nconnection=$http_connection\\nkeep-alive=$http_keep_alive\\nte=$http_te\\nupgrade=$http_upgrade\\nproxy-authorization=$http_proxy_authorization\\nx-hop=$http_x_hop\\nx-end=$http_x_end\\n";
                    }
                    %4$s
                  }
                }
                """.formatted(home, listen, tlsFields, locations);
    }

    /** Whether something accepts connections on 127.0.0.1:{@code port}. */
    public static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
