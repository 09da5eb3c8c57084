package io.gantry.benchmarks.soak;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The chaos loop's log ({@code EPOCH_MS EVENT TARGET} lines, ending with {@code EPOCH_MS end -}) and the
 * rule that says which failed exchanges it excuses.
 *
 * <p>A failure is excused when, and only when, all of these hold:
 * <ol>
 *   <li>it is not a timeout: a backend that dies must make the proxy fail the exchange promptly, never hang it;
 *   <li>a backend was killed ({@code kill-backend}, SIGKILL) while the exchange was in flight: the kill's
 *       logged time {@code k} satisfies {@code start <= k + SLACK_MS} and {@code k <= end} ({@code SLACK_MS}
 *       covers the time between logging the kill and the process being gone);
 *   <li>either that backend's response had begun (its head carried {@code X-Backend} naming the killed
 *       backend, or a WebSocket's 101 had arrived), so the proxy could no longer retry it, or the exchange
 *       is an upload, a POST whose body the proxy had sent and which it must not send again.
 * </ol>
 * Everything else is a failure of the proxy: a GET whose backend died before answering must be retried
 * on another backend, and key changes and etcd members going away must not be seen by clients at all.
 */
final class KillLog {

    static final long SLACK_MS = 1000;

    private record Kill(long ms, String backend) {
    }

    private final List<Kill> kills;
    private final Map<String, Integer> events;

    private KillLog(List<Kill> kills, Map<String, Integer> events) {
        this.kills = kills;
        this.events = events;
    }

    /** Whether the chaos loop has written its last line. */
    static boolean ended(Path file) throws IOException {
        return Files.exists(file) && Files.readAllLines(file).stream().anyMatch(l -> l.matches("\\d+ end -"));
    }

    /** Reads the log; it must be complete, ended by the chaos loop's {@code end} line. */
    static KillLog read(Path file) throws IOException {
        List<Kill> kills = new ArrayList<>();
        Map<String, Integer> events = new TreeMap<>();
        boolean ended = false;
        for (String line : Files.readAllLines(file)) {
            String[] f = line.trim().split("\\s+");
            if (f.length != 3) {
                continue;
            }
            if (f[1].equals("end")) {
                ended = true;
                continue;
            }
            events.merge(f[1], 1, Integer::sum);
            if (f[1].equals("kill-backend")) {
                kills.add(new Kill(Long.parseLong(f[0]), f[2]));
            }
        }
        if (!ended) {
            throw new IOException(file + ": the chaos log has no end line: the chaos loop was still running or died");
        }
        return new KillLog(kills, events);
    }

    /** How many events of each kind the chaos loop made (kill-backend, start-backend, delete-key, ...). */
    Map<String, Integer> events() {
        return events;
    }

    /** Whether {@code r}, a failure of an exchange of kind {@code kind}, is excused by a backend's death. */
    boolean excuses(Result r, Kind kind) {
        if (r.timeout()) {
            return false;
        }
        for (Kill k : kills) {
            boolean inFlight = r.startMs() <= k.ms() + SLACK_MS && k.ms() <= r.endMs();
            boolean itsBackend = r.began() && (r.backend() == null || r.backend().equals(k.backend()));
            if (inFlight && (itsBackend || (!r.began() && kind.upload()))) {
                return true;
            }
        }
        return false;
    }
}
