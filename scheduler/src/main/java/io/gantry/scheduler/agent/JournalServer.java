package io.gantry.scheduler.agent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.gantry.common.DaemonThreads;
import io.gantry.common.Errors;
import io.gantry.common.HostPort;
import io.gantry.scheduler.run.Driver;
import io.gantry.scheduler.unit.UnitName;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's read-only HTTP endpoint for {@code ctl journal}: {@code GET /journal/<unit>?lines=N[&follow=true]}
 * answers the last N lines of the unit's container or process output on this machine as text/plain,
 * and with {@code follow} keeps the response open and streams what comes. Nothing else is served.
 */
public final class JournalServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(JournalServer.class);
    private static final String PATH = "/journal/";
    private static final int MAX_LINES = 100_000;

    private final HttpServer server;
    private final ExecutorService threads;

    private JournalServer(HttpServer server, ExecutorService threads) {
        this.server = server;
        this.threads = threads;
    }

    /** Listens on {@code address} (port 0: any free port) for the units {@code driver} runs as {@code machine}. */
    public static JournalServer start(HostPort address, String machine, Driver driver) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(address.host(), address.port()), 16);
        ExecutorService threads = Executors.newCachedThreadPool(DaemonThreads.named("journal-" + machine));
        server.setExecutor(threads);
        server.createContext(PATH, exchange -> serve(exchange, machine, driver));
        server.start();
        return new JournalServer(server, threads);
    }

    /** The address it listens on, {@code host:port}, as registered for list-machines. */
    public String address() {
        InetSocketAddress a = server.getAddress();
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    private static void serve(HttpExchange exchange, String machine, Driver driver) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("GET")) {
                answer(exchange, 405, "only GET\n");
                return;
            }
            String unit = exchange.getRequestURI().getPath().substring(PATH.length());
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            int lines;
            try {
                UnitName.parse(unit);
                lines = Integer.parseInt(query.getOrDefault("lines", "10"));
                if (lines < 0 || lines > MAX_LINES) {
                    throw new NumberFormatException();
                }
            } catch (IllegalArgumentException e) {
                answer(exchange, 400, "want /journal/<unit>?lines=0.." + MAX_LINES + "[&follow=true]\n");
                return;
            }
            boolean follow = "true".equals(query.get("follow"));
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            OutputStream body = exchange.getResponseBody();
            boolean[] started = {false}; // headers go with the first line, so that "not here" can still be a 404
            boolean found = driver.journal(unit, machine, lines, follow, line -> {
                if (!started[0]) {
                    started[0] = true;
                    exchange.sendResponseHeaders(200, 0);
                }
                if (line != null) {
                    body.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                }
                body.flush();
            });
            if (!found) {
                answer(exchange, 404, "no output of " + unit + " on " + machine + " (not run here, or not started yet)\n");
            } else if (!started[0]) {
                exchange.sendResponseHeaders(200, -1);
            }
        } catch (IOException e) {
            log.debug("journal: {}", Errors.describe(e)); // the reader went away
        } catch (RuntimeException e) {
            log.warn("journal on {}: {}", machine, Errors.describe(e));
        }
    }

    private static void answer(HttpExchange exchange, int status, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    out.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return out;
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
