package io.gantry.benchmarks.scale;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.gantry.common.EtcdText;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * routes-scale's etcd side.
 *
 * <pre>
 * ScaleDriver write   --etcd URL --services N --backends M --routes R
 * ScaleDriver changes --etcd URL --proxy HOST:PORT --backend HOST:PORT [--count 20]
 * </pre>
 *
 * {@code write} puts the {@link ScaleKeys} in transactions of {@link #BATCH} puts (etcd refuses more than
 * {@code --max-txn-ops}, 128 by default), {@link #IN_FLIGHT} at a time, and prints how long it took.
 * {@code changes} is {@link ChangeLatency}. Exit status 0 when everything was done, 1 otherwise, 2 for
 * a bad command line.
 */
public final class ScaleDriver {

    static final int BATCH = 100;
    static final int IN_FLIGHT = 16;

    private ScaleDriver() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || !(args[0].equals("write") || args[0].equals("changes"))) {
            usage("the first argument is write or changes");
        }
        Map<String, String> flags = new HashMap<>(Map.of("--count", "20"));
        for (int i = 1; i < args.length; i++) {
            if (i + 1 >= args.length || !args[i].startsWith("--")) {
                usage("'" + args[i] + "' is not a --flag followed by its value");
            }
            flags.put(args[i], args[++i]);
        }
        String etcd = required(flags, "--etcd");
        try (Client client = Client.builder().endpoints(etcd).build()) {
            boolean ok;
            if (args[0].equals("write")) {
                ScaleKeys keys = new ScaleKeys(number(flags, "--services"), number(flags, "--backends"), number(flags, "--routes"));
                ok = write(client.getKVClient(), keys);
            } else {
                ok = new ChangeLatency(client.getKVClient(), address(required(flags, "--proxy")), required(flags, "--backend"))
                        .run(number(flags, "--count"), System.out);
            }
            System.exit(ok ? 0 : 1);
        }
    }

    /** Puts every key; true when etcd took them all. */
    static boolean write(KV kv, ScaleKeys keys) throws InterruptedException {
        long start = System.nanoTime();
        Semaphore inFlight = new Semaphore(IN_FLIGHT);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Op> batch = new ArrayList<>(BATCH);
        for (int r = 0; r < keys.routes(); r++) {
            batch.add(put(keys.routeKey(r), keys.routeValue(r)));
            batch = sendWhenFull(kv, batch, inFlight, failure);
        }
        for (int s = 0; s < keys.services() && failure.get() == null; s++) {
            for (int b = 0; b < keys.backends(); b++) {
                batch.add(put(keys.backendKey(s, b), keys.backendValue(s, b)));
                batch = sendWhenFull(kv, batch, inFlight, failure);
            }
        }
        if (!batch.isEmpty()) {
            send(kv, batch, inFlight, failure);
        }
        if (!inFlight.tryAcquire(IN_FLIGHT, 60, TimeUnit.SECONDS)) {
            System.err.println("ScaleDriver: etcd did not answer the last transactions within 60 s");
            return false;
        }
        if (failure.get() != null) {
            System.err.println("ScaleDriver: a transaction failed: " + failure.get());
            return false;
        }
        System.out.printf("wrote %d keys (%d services x %d backends, %d routes) in %d ms, transactions of %d puts, %d at a time%n",
                keys.keys(), keys.services(), keys.backends(), keys.routes(), (System.nanoTime() - start) / 1_000_000, BATCH, IN_FLIGHT);
        return true;
    }

    private static List<Op> sendWhenFull(KV kv, List<Op> batch, Semaphore inFlight, AtomicReference<Throwable> failure)
            throws InterruptedException {
        if (batch.size() < BATCH) {
            return batch;
        }
        send(kv, batch, inFlight, failure);
        return new ArrayList<>(BATCH);
    }

    private static void send(KV kv, List<Op> batch, Semaphore inFlight, AtomicReference<Throwable> failure)
            throws InterruptedException {
        if (!inFlight.tryAcquire(60, TimeUnit.SECONDS)) {
            failure.compareAndSet(null, new IllegalStateException("no transaction finished within 60 s"));
            return;
        }
        kv.txn().Then(batch.toArray(Op[]::new)).commit().whenComplete((response, error) -> {
            if (error != null) {
                failure.compareAndSet(null, error);
            }
            inFlight.release();
        });
    }

    private static Op put(String key, String value) {
        return Op.put(EtcdText.bytes(key), EtcdText.bytes(value), PutOption.DEFAULT);
    }

    private static String required(Map<String, String> flags, String name) {
        String v = flags.get(name);
        if (v == null) {
            usage(name + " is required");
        }
        return v;
    }

    private static int number(Map<String, String> flags, String name) {
        String v = required(flags, name);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            usage(name + " must be a number, got '" + v + "'");
            return 0;
        }
    }

    private static InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }

    private static void usage(String why) {
        System.err.println("ScaleDriver: " + why + " (see the class's javadoc)");
        System.exit(2);
    }
}
