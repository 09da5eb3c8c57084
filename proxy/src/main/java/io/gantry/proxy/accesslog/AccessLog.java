package io.gantry.proxy.accesslog;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access log: event loops hand it entries ({@link #log}), which never blocks: past the bounded
 * queue's capacity an entry is counted as dropped. One writer thread owns the file: it formats the
 * entries, writes them in batches, flushes when the queue runs dry, and reopens the file when asked
 * ({@link #reopen}, on SIGUSR1, after logrotate renamed it).
 *
 * <p>Producers never wake the writer (a wake-up is a system call on the event loop): it drains the
 * queue, and when it finds it empty, parks for a while that grows from 1 ms to 50 ms while nothing
 * arrives. A line is in the file within that while after its request ended.
 */
public final class AccessLog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AccessLog.class);
    /** {@code --access-log -}: the standard output. */
    public static final String STDOUT = "-";
    private static final int BATCH = 1024;
    private static final long MIN_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long CLOSE_WAIT_MILLIS = 5000;

    private final Path file;
    private final ArrayBlockingQueue<AccessLogEntry> queue;
    private final LongAdder dropped;
    private final LineFormatter formatter;
    private final Thread writer;
    private final StringBuilder line = new StringBuilder(512);
    // Owned by the writer thread once it runs.
    private Writer out;
    private boolean failing;
    private volatile boolean reopenRequested;
    private volatile boolean closing;

    private AccessLog(Path file, OutputStream stream, AccessLogFormat format, int capacity, LongAdder dropped, ZoneId zone) {
        this.file = file;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.dropped = dropped;
        this.formatter = format.newFormatter(zone);
        this.out = writer(stream);
        this.writer = new Thread(this::run, "access-log");
        writer.setDaemon(true);
    }

    /**
     * Opens {@code target} (a file, appended to and created if missing, or {@link #STDOUT}) and starts the writer.
     *
     * @param capacity how many entries may wait for the writer; more are dropped
     * @param dropped counts the lines dropped (queue full, or the file not writable)
     * @throws IllegalArgumentException naming the flag when the file cannot be opened
     */
    public static AccessLog open(String target, AccessLogFormat format, int capacity, LongAdder dropped) {
        return open(target, format, capacity, dropped, ZoneId.systemDefault());
    }

    static AccessLog open(String target, AccessLogFormat format, int capacity, LongAdder dropped, ZoneId zone) {
        Path file = STDOUT.equals(target) ? null : Path.of(target);
        OutputStream stream;
        try {
            stream = file == null ? new FileOutputStream(FileDescriptor.out) : new FileOutputStream(file.toFile(), true);
        } catch (IOException e) {
            throw new IllegalArgumentException("--access-log " + target + ": cannot open: " + e.getMessage(), e);
        }
        return start(file, stream, format, capacity, dropped, zone);
    }

    /** An access log writing to {@code stream} (tests); {@link #reopen} does nothing. */
    static AccessLog start(Path file, OutputStream stream, AccessLogFormat format, int capacity, LongAdder dropped, ZoneId zone) {
        AccessLog a = new AccessLog(file, stream, format, capacity, dropped, zone);
        a.writer.start();
        return a;
    }

    private static Writer writer(OutputStream stream) {
        return new java.io.BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 65536);
    }

    /** Queues {@code entry} for the writer, or counts it as dropped when the queue is full. Never blocks. */
    public void log(AccessLogEntry entry) {
        if (!queue.offer(entry)) {
            dropped.increment();
        }
    }

    /** Asks the writer to close the file and open it again by its name (logrotate's SIGUSR1); no-op on stdout. */
    public void reopen() {
        reopenRequested = true;
        LockSupport.unpark(writer);
    }

    /** Writes what is queued, closes the file and stops the writer (waiting up to a few seconds). */
    @Override
    public void close() {
        closing = true;
        LockSupport.unpark(writer);
        try {
            writer.join(CLOSE_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        List<AccessLogEntry> batch = new ArrayList<>(BATCH);
        long park = MIN_PARK_NANOS;
        boolean unflushed = false;
        while (true) {
            if (reopenRequested) {
                reopenRequested = false;
                reopenNow();
            }
            boolean last = closing; // read before the drain: whatever was queued before close() is written
            queue.drainTo(batch, BATCH);
            if (!batch.isEmpty()) {
                write(batch);
                batch.clear();
                unflushed = true;
                park = MIN_PARK_NANOS;
                continue;
            }
            if (unflushed) {
                flush();
                unflushed = false;
            }
            if (last) {
                break;
            }
            LockSupport.parkNanos(this, park);
            park = Math.min(park * 2, MAX_PARK_NANOS);
        }
        closeQuietly(out);
    }

    private void write(List<AccessLogEntry> batch) {
        int i = 0;
        try {
            for (; i < batch.size(); i++) {
                line.setLength(0);
                formatter.append(batch.get(i), line);
                out.append(line);
            }
        } catch (IOException | RuntimeException e) {
            dropped.add(batch.size() - i);
            failed(e);
        }
    }

    private void flush() {
        try {
            out.flush();
            if (failing) {
                failing = false;
                log.info("access log {}: writing again", where());
            }
        } catch (IOException e) {
            failed(e);
        }
    }

    private void failed(Exception e) {
        if (!failing) {
            failing = true;
            log.warn("access log {}: cannot write ({}); lines are dropped (gantry_access_log_dropped_total) until it can",
                    where(), e.getMessage());
        }
    }

    private void reopenNow() {
        if (file == null) {
            return;
        }
        Writer next;
        try {
            next = writer(new FileOutputStream(file.toFile(), true));
        } catch (IOException e) {
            log.warn("access log {}: cannot reopen ({}); still writing to the file it was", file, e.getMessage());
            return;
        }
        closeQuietly(out);
        out = next;
        log.info("access log {}: reopened", file);
    }

    private void closeQuietly(Writer w) {
        try {
            if (file == null) {
                w.flush(); // the standard output stays open
            } else {
                w.close();
            }
        } catch (IOException e) {
            failed(e);
        }
    }

    private String where() {
        return file == null ? "(stdout)" : file.toString();
    }
}
