package io.gantry.benchmarks.scale;

import io.etcd.jetcd.KV;
import io.gantry.common.EtcdText;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * How long a change in etcd takes to reach the proxy's request path, from the moment etcd committed it
 * (its put returned) to the first request the proxy routed by it, polled once a millisecond over one
 * keep-alive connection. Two kinds, {@code count} of each, one at a time: a new route for a new host to
 * a service whose backend answers ({@code probe}, a real nginx), and a new backend for a service whose
 * route is already in place and has none (answering 503 until it comes). The proxy must run with
 * {@code --prefix none}, so a host no route takes gets 404.
 */
final class ChangeLatency {

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final String PROBE_SERVICE = "probe";

    private final KV kv;
    private final ProbeClient proxy;
    private final String backend;

    /** @param backend host:port of a backend that answers 200 for {@code GET /} */
    ChangeLatency(KV kv, InetSocketAddress proxy, String backend) {
        this.kv = kv;
        this.proxy = new ProbeClient(proxy);
        this.backend = backend;
    }

    /** Measures and prints; true when every change was routed within the deadline. */
    boolean run(int count, PrintStream out) throws Exception {
        put(ScaleKeys.SERVICES + PROBE_SERVICE + "/nginx", backend);
        // Not counted: the probe's backend is in, and the proxy's change path has run once.
        put(ScaleKeys.ROUTES + "probe-ready", route("probe-ready.scale.test", PROBE_SERVICE));
        if (pollUntil("probe-ready.scale.test", 200, System.nanoTime()) < 0) {
            out.println("changes: the probe route was not routed to its backend within 5 s; is the proxy up, with --prefix none?");
            return false;
        }
        boolean ok = true;
        List<double[]> routes = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            String host = "new-route-" + i + ".scale.test";
            ok &= change(out, "route", i, host, 404, ScaleKeys.ROUTES + "new-route-" + i, route(host, PROBE_SERVICE), routes);
        }
        List<double[]> backends = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            String host = "new-backend-" + i + ".scale.test";
            String service = "probe-" + i;
            put(ScaleKeys.ROUTES + "new-backend-" + i, route(host, service));
            if (pollUntil(host, 503, System.nanoTime()) < 0) {
                out.println("backend change " + i + ": the route to " + service + " (no backends yet) did not answer 503 within 5 s");
                ok = false;
                continue;
            }
            ok &= change(out, "backend", i, host, 503, ScaleKeys.SERVICES + service + "/nginx", backend, backends);
        }
        summary(out, "route", routes, count);
        summary(out, "backend", backends, count);
        proxy.close();
        return ok;
    }

    /**
     * One change: checks the host answers {@code before}, puts the key, and polls until the host answers
     * 200; adds {ms from the put's return to the 200, ms the put took} to {@code into}.
     */
    private boolean change(PrintStream out, String kind, int i, String host, int before, String key, String value,
            List<double[]> into) throws Exception {
        int now = proxy.status(host);
        if (now != before) {
            out.printf("%s change %d: %s answered %d before the change, not %d%n", kind, i, host, now, before);
            return false;
        }
        long start = System.nanoTime();
        put(key, value);
        long committed = System.nanoTime();
        long seen = pollUntil(host, 200, committed);
        if (seen < 0) {
            out.printf("%s change %d: %s was not routed within %d s of the put%n", kind, i, host, DEADLINE_NANOS / 1_000_000_000);
            return false;
        }
        double ms = (seen - committed) / 1e6;
        double putMs = (committed - start) / 1e6;
        into.add(new double[] {ms, putMs});
        out.printf("%s change %d: routed %.2f ms after the put returned (the put took %.2f ms)%n", kind, i, ms, putMs);
        Thread.sleep(100); // one change at a time, as an operator or a deploy makes them
        return true;
    }

    /** Polls {@code host} every millisecond from {@code from} until it answers {@code wanted}; when it did, or -1 after the deadline. */
    private long pollUntil(String host, int wanted, long from) {
        for (long tick = from; System.nanoTime() - from < DEADLINE_NANOS; tick += POLL_NANOS) {
            if (proxy.status(host) == wanted) {
                return System.nanoTime();
            }
            long wait = tick + POLL_NANOS - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            } else {
                tick = System.nanoTime() - POLL_NANOS; // a slow answer: the next poll now, the ticks from here
            }
        }
        return -1;
    }

    private static void summary(PrintStream out, String kind, List<double[]> changes, int count) {
        List<Double> ms = new ArrayList<>();
        List<Double> put = new ArrayList<>();
        changes.forEach(c -> {
            ms.add(c[0]);
            put.add(c[1]);
        });
        Collections.sort(ms);
        Collections.sort(put);
        out.printf("%s changes: %d of %d routed, median %.2f ms, max %.2f ms after the put returned (put median %.2f ms)%n",
                kind, ms.size(), count, median(ms), ms.isEmpty() ? 0 : ms.get(ms.size() - 1), median(put));
    }

    private static double median(List<Double> sorted) {
        int n = sorted.size();
        return n == 0 ? 0 : n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private void put(String key, String value) throws Exception {
        kv.put(EtcdText.bytes(key), EtcdText.bytes(value)).get(5, TimeUnit.SECONDS);
    }

    private static String route(String host, String service) {
        return "{\"host\":\"" + host + "\",\"service\":\"" + service + "\"}";
    }
}
