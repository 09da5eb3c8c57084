package io.gantry.benchmarks.soak;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The soak's load: a fixed mix of {@link Kind}s, each run in a loop by its own threads against the
 * proxy for {@code --duration} seconds (and at most {@code --max-per-thread} exchanges a thread), then,
 * once the chaos loop's log is complete, every failure judged by {@link KillLog}'s rule. Prints a row per
 * kind and each failure that was not excused; exits 1 if there was one, or if some kind never succeeded.
 *
 * <pre>
 * SoakDriver --http 127.0.0.1:PORT --https 127.0.0.1:PORT --cert FILE --duration SECONDS --events FILE
 *            [--timeout-ms 10000] [--max-per-thread 10000000] [--failures FILE]
 * </pre>
 */
public final class SoakDriver {

    private SoakDriver() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> flags = new java.util.HashMap<>(Map.of("--timeout-ms", "10000", "--max-per-thread", "10000000"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            flags.put(args[i], args[i + 1]);
        }
        for (String required : List.of("--http", "--https", "--cert", "--duration", "--events")) {
            if (!flags.containsKey(required)) {
                System.err.println("SoakDriver: " + required + " is required (see the class's javadoc)");
                System.exit(2);
            }
        }
        int timeoutMs = Integer.parseInt(flags.get("--timeout-ms"));
        long maxPerThread = Long.parseLong(flags.get("--max-per-thread"));
        long deadline = System.currentTimeMillis() + 1000L * Integer.parseInt(flags.get("--duration"));
        Exchanges exchanges = new Exchanges(address(flags.get("--http")), address(flags.get("--https")),
                Path.of(flags.get("--cert")), timeoutMs);

        AtomicLongArray done = new AtomicLongArray(Kind.values().length);
        ConcurrentLinkedQueue<Failure> failures = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            for (int t = 0; t < kind.threads(); t++) {
                Thread thread = new Thread(() -> {
                    for (long n = 0; n < maxPerThread && System.currentTimeMillis() < deadline; n++) {
                        Result r = exchanges.run(kind);
                        done.incrementAndGet(kind.ordinal());
                        if (r.failed()) {
                            failures.add(new Failure(kind, r));
                        }
                    }
                }, "soak-" + kind.label() + "-" + t);
                threads.add(thread);
                thread.start();
            }
        }
        for (Thread thread : threads) {
            thread.join(deadline - System.currentTimeMillis() + 3L * timeoutMs); // an exchange in flight at the deadline ends within its timeouts
            if (thread.isAlive()) {
                System.err.println("SoakDriver: " + thread.getName() + " is stuck past its timeouts");
                System.exit(1);
            }
        }

        Path events = Path.of(flags.get("--events"));
        long chaosDeadline = System.currentTimeMillis() + 30_000; // the chaos loop ends before the load; this is a bound
        while (!KillLog.ended(events) && System.currentTimeMillis() < chaosDeadline) {
            Thread.sleep(100);
        }
        KillLog kills = KillLog.read(events);
        int unexcused = report(System.out, done, failures, kills);
        if (flags.containsKey("--failures")) {
            List<String> lines = new ArrayList<>();
            for (Failure f : failures) {
                lines.add(f.line(kills));
            }
            Files.write(Path.of(flags.get("--failures")), lines);
        }
        boolean allRan = true;
        for (Kind kind : Kind.values()) {
            allRan &= done.get(kind.ordinal()) > failures.stream().filter(f -> f.kind == kind).count();
        }
        System.exit(unexcused == 0 && allRan ? 0 : 1);
    }

    private record Failure(Kind kind, Result result) {
        String line(KillLog kills) {
            return String.format("%s %d..%d %s backend=%s began=%s timeout=%s %s", kills.excuses(result, kind) ? "excused" : "FAILED",
                    result.startMs(), result.endMs(), kind.label(), result.backend(), result.began(), result.timeout(), result.error());
        }
    }

    /** Prints the table and the failures not excused (at most 20); returns how many there were. */
    private static int report(PrintStream out, AtomicLongArray done, Iterable<Failure> failures, KillLog kills) {
        Map<Kind, long[]> byKind = new EnumMap<>(Kind.class); // excused, failed
        List<Failure> unexcused = new ArrayList<>();
        Map<String, Integer> excusedWhy = new java.util.TreeMap<>(); // kind and error, numbers left out
        for (Kind kind : Kind.values()) {
            byKind.put(kind, new long[2]);
        }
        for (Failure f : failures) {
            if (kills.excuses(f.result, f.kind)) {
                byKind.get(f.kind)[0]++;
                String why = f.result.error().replaceAll("\\d+", "N");
                excusedWhy.merge(f.kind.label() + (f.result.began() ? " (response begun): " : " (before a response): ")
                        + why.substring(0, Math.min(why.length(), 120)), 1, Integer::sum);
            } else {
                byKind.get(f.kind)[1]++;
                unexcused.add(f);
            }
        }
        out.printf("%-20s %10s %10s %9s %8s%n", "KIND", "EXCHANGES", "OK", "EXCUSED", "FAILED");
        long total = 0, totalExcused = 0, totalFailed = 0;
        for (Kind kind : Kind.values()) {
            long n = done.get(kind.ordinal());
            long[] e = byKind.get(kind);
            out.printf("%-20s %10d %10d %9d %8d%n", kind.label(), n, n - e[0] - e[1], e[0], e[1]);
            total += n;
            totalExcused += e[0];
            totalFailed += e[1];
        }
        out.printf("%-20s %10d %10d %9d %8d%n", "all", total, total - totalExcused - totalFailed, totalExcused, totalFailed);
        out.println("chaos: " + kills.events());
        excusedWhy.forEach((why, n) -> out.println("excused " + n + "x " + why));
        unexcused.sort((a, b) -> Long.compare(a.result.startMs(), b.result.startMs()));
        for (Failure f : unexcused.subList(0, Math.min(20, unexcused.size()))) {
            out.println("! " + f.line(kills));
        }
        return unexcused.size();
    }

    private static InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        String host = hostPort.substring(0, colon);
        if (!host.startsWith("127.")) {
            throw new IllegalArgumentException(hostPort + ": the soak only connects to loopback addresses (127.0.0.0/8)");
        }
        return new InetSocketAddress(host, Integer.parseInt(hostPort.substring(colon + 1)));
    }
}
