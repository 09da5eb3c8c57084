package io.gantry.e2e;

import io.gantry.testing.RawHttp;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GETs of {@code /?r=ID} from several clients, each over its own keep-alive connection, bounded in
 * count and in time, recording every one: what came back (status, the nginx page's backend name) or
 * what went wrong (after which that client reconnects). IDs are taken just before each request is
 * sent, in one sequence for all clients, so {@link #lastId()} read at an instant splits the requests
 * into those sent before it and those sent after.
 */
final class RecordingLoad implements AutoCloseable {

    /** One request: its ID, and its status and backend, or the error it met (status 0). */
    record Result(long id, int status, String backend, String error) {
        boolean ok() {
            return status == 200 && error == null;
        }
    }

    private static final Pattern BACKEND = Pattern.compile("<h1>(backend-\\d+)</h1>");

    private final AtomicLong ids = new AtomicLong();
    private final long requests;
    private final long deadline;
    private final ConcurrentLinkedQueue<Result> results = new ConcurrentLinkedQueue<>();
    private final AtomicLong reconnects = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stop;

    RecordingLoad(InetSocketAddress target, int clients, long requests, Duration limit) {
        this.requests = requests;
        this.deadline = System.nanoTime() + limit.toNanos();
        for (int i = 0; i < clients; i++) {
            Thread t = new Thread(() -> run(target), "load-" + i);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
    }

    private void run(InetSocketAddress target) {
        RawHttp client = null;
        while (!stop && System.nanoTime() < deadline) {
            long id = ids.incrementAndGet();
            if (id > requests) {
                break;
            }
            try {
                if (client == null) {
                    client = new RawHttp(target).timeout(5_000);
                }
                RawHttp.Response r = client.send("GET /?r=" + id + " HTTP/1.1\r\nHost: test\r\n\r\n").read();
                Matcher m = BACKEND.matcher(r.text());
                results.add(new Result(id, r.status(), m.find() ? m.group(1) : null, null));
                if ("close".equalsIgnoreCase(r.header("connection"))) {
                    client.close();
                    client = null;
                    reconnects.incrementAndGet();
                }
            } catch (RuntimeException e) {
                results.add(new Result(id, 0, null, e.toString()));
                if (client != null) {
                    client.close();
                }
                client = null;
                reconnects.incrementAndGet();
            }
        }
        if (client != null) {
            client.close();
        }
    }

    /** The last ID taken: every request with a greater one is sent after this call. */
    long lastId() {
        return ids.get();
    }

    /** Requests with an ID above {@code id} that came back 200. */
    long okAfter(long id) {
        return results.stream().filter(r -> r.id() > id && r.ok()).count();
    }

    /** Requests that came back 200 from {@code backend}. */
    long servedBy(String backend) {
        return results.stream().filter(r -> r.ok() && backend.equals(r.backend())).count();
    }

    /** Whether every client has stopped (its bound reached, or {@link #close}d). */
    boolean finished() {
        return threads.stream().noneMatch(Thread::isAlive);
    }

    /** Every request so far, by ID. */
    List<Result> results() {
        return results.stream().sorted(java.util.Comparator.comparingLong(Result::id)).toList();
    }

    /** The requests that did not come back 200: errors, and other statuses. */
    List<Result> failures() {
        return results().stream().filter(r -> !r.ok()).toList();
    }

    /** How many requests each backend answered with a 200, among those with an ID in ({@code after}, {@code upTo}]. */
    Map<String, Long> spread(long after, long upTo) {
        Map<String, Long> m = new TreeMap<>();
        for (Result r : results) {
            if (r.id() > after && r.id() <= upTo && r.ok()) {
                m.merge(String.valueOf(r.backend()), 1L, Long::sum);
            }
        }
        return m;
    }

    /** Connections a client closed and opened again, after an error or a {@code Connection: close}. */
    long reconnects() {
        return reconnects.get();
    }

    /** Stops every client after its current request and waits for them (the bounds guarantee they end). */
    @Override
    public void close() {
        stop = true;
        try {
            for (Thread t : threads) {
                t.join(30_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
