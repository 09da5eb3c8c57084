package io.gantry.proxy;

import io.gantry.testing.RawHttp;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * GETs from several clients, each over its own keep-alive connection, bounded in count and in time;
 * it records every answer and every error a client saw (after which that client reconnects).
 */
final class KeepAliveLoad implements AutoCloseable {

    private final AtomicInteger done = new AtomicInteger();
    private final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    private final List<String> errors = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stop;

    KeepAliveLoad(InetSocketAddress target, String path, int clients, int requests, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        for (int i = 0; i < clients; i++) {
            Thread t = new Thread(() -> {
                RawHttp client = null;
                while (!stop && done.get() < requests && System.nanoTime() < deadline) {
                    try {
                        if (client == null) {
                            client = new RawHttp(target).timeout(10_000);
                        }
                        int status = client.get(path).status();
                        statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
                    } catch (RuntimeException e) {
                        errors.add(e.getMessage());
                        if (client != null) {
                            client.close();
                        }
                        client = null;
                    }
                    done.incrementAndGet();
                }
                if (client != null) {
                    client.close();
                }
            }, "load-" + i);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
    }

    int done() {
        return done.get();
    }

    /** Waits for every client to finish (the bounds guarantee they do). */
    KeepAliveLoad await() throws InterruptedException {
        for (Thread t : threads) {
            t.join(120_000);
        }
        return this;
    }

    Map<Integer, Integer> statuses() {
        Map<Integer, Integer> m = new java.util.TreeMap<>();
        statuses.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    List<String> errors() {
        return errors;
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        await();
    }
}
