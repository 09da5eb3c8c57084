package io.gantry.proxy.source;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.gantry.common.Errors;
import io.gantry.common.EtcdSettings;
import io.gantry.common.EtcdText;
import io.gantry.common.ServiceKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mirrors an etcd prefix into a {@link Listener}: reads it once, then watches it from the next
 * revision. After a broken connection the watch resumes from the last revision seen, with backoff;
 * after a compaction it reads the prefix again. While etcd is unreachable the listener hears nothing,
 * so it keeps what it had. The listener is called on this watch's own thread, which owns the state.
 */
public final class EtcdPrefixWatch implements AutoCloseable {

    /** What a watch tells, always on its thread. */
    public interface Listener {
        /** The prefix is read again from scratch: forget every key; puts follow. */
        void clear();

        void put(String key, String value);

        void delete(String key);

        /** A consistent batch of changes (a full read, or one watch response) is complete. */
        void batchDone();
    }

    private static final Logger log = LoggerFactory.getLogger(EtcdPrefixWatch.class);
    private static final Duration MIN_BACKOFF = Duration.ofMillis(200);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    /** Keys read per request of a full read: a prefix of 100,000 keys does not fit one gRPC message. */
    private static final int PAGE = 5_000;

    private final EtcdSettings settings;
    private final String prefix;
    private final Listener listener;
    private final Consumer<String> state;
    private final EtcdConnection connection;
    private final boolean ownsConnection;
    private final ScheduledExecutorService thread;
    private final CountDownLatch firstRead = new CountDownLatch(1);

    private Client client;
    private long revision;
    private Watch.Watcher watcher;
    private int generation;
    private int size;
    private Duration backoff = MIN_BACKOFF;
    private boolean connected;
    private boolean closed;

    /**
     * @param what what the keys are, for log lines ("backends", "certificates")
     * @param state told {@code watching} or {@code disconnected} when that changes
     */
    public EtcdPrefixWatch(EtcdSettings settings, String prefix, String what, Listener listener, Consumer<String> state) {
        this(new EtcdConnection(settings, "etcd-" + what), true, prefix, listener, state);
    }

    /**
     * A watch on {@code connection}'s thread and client, shared with other watches: their listeners
     * are all called on that one thread. The connection is the caller's to close.
     */
    public EtcdPrefixWatch(EtcdConnection connection, String prefix, Listener listener, Consumer<String> state) {
        this(connection, false, prefix, listener, state);
    }

    private EtcdPrefixWatch(EtcdConnection connection, boolean owns, String prefix, Listener listener, Consumer<String> state) {
        this.connection = connection;
        this.ownsConnection = owns;
        this.settings = connection.settings();
        this.prefix = ServiceKeys.normalizePrefix(prefix);
        this.listener = listener;
        this.state = state;
        this.thread = connection.thread();
    }

    /** Starts reading; returns at once. The etcd client (grpc) loads on the watch's thread. */
    public void start() {
        thread.execute(() -> {
            client = connection.client();
            readAll();
        });
    }

    /** Waits at most {@code timeout} for the first full read; true when it happened. */
    public boolean awaitFirstRead(Duration timeout) throws InterruptedException {
        return firstRead.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Reads the whole prefix, hands it over, and watches from the next revision. */
    private void readAll() {
        if (closed) {
            return;
        }
        List<KeyValue> kvs = new ArrayList<>();
        long readRevision;
        try {
            readRevision = readPages(kvs);
        } catch (Exception e) {
            disconnected("cannot read " + prefix, e);
            retryLater(this::readAll);
            return;
        }
        listener.clear();
        for (KeyValue kv : kvs) {
            listener.put(EtcdText.text(kv.getKey()), EtcdText.text(kv.getValue()));
        }
        size = kvs.size();
        revision = readRevision;
        listener.batchDone();
        firstRead.countDown();
        log.info("read {} keys under {} at revision {} from {}", size, prefix, revision, settings);
        watchFrom(revision + 1);
    }

    /**
     * Reads every key under the prefix into {@code kvs}, {@link #PAGE} at a time, all at the revision
     * of the first page, so the pages are one consistent view; returns that revision. etcd returns a
     * range in key order as it is; asking for that order anyway makes it read, sort and then truncate the
     * whole rest of the range for every page (100,000 keys: 20 pages, about a million keys read).
     */
    private long readPages(List<KeyValue> kvs) throws Exception {
        ByteSequence end = EtcdText.bytes(prefix.substring(0, prefix.length() - 1) + (char) (prefix.charAt(prefix.length() - 1) + 1));
        ByteSequence from = EtcdText.bytes(prefix);
        long atRevision = 0;
        while (true) {
            GetOption.Builder option = GetOption.builder().withRange(end).withLimit(PAGE);
            if (atRevision != 0) {
                option.withRevision(atRevision);
            }
            GetResponse page = client.getKVClient().get(from, option.build()).get(10, TimeUnit.SECONDS);
            if (atRevision == 0) {
                atRevision = page.getHeader().getRevision();
            }
            kvs.addAll(page.getKvs());
            if (!page.isMore() || page.getKvs().isEmpty()) {
                return atRevision;
            }
            byte[] last = page.getKvs().get(page.getKvs().size() - 1).getKey().getBytes();
            from = ByteSequence.from(java.util.Arrays.copyOf(last, last.length + 1)); // the next key after it
        }
    }

    private void watchFrom(long startRevision) {
        int myGeneration = ++generation;
        WatchOption option = WatchOption.builder()
                .isPrefix(true)
                .withRevision(startRevision)
                .withCreateNotify(true)
                .build();
        watcher = client.getWatchClient().watch(EtcdText.bytes(prefix), option, new Watch.Listener() {
            @Override
            public void onNext(WatchResponse response) {
                thread.execute(() -> {
                    if (myGeneration == generation) {
                        apply(response);
                    }
                });
            }

            @Override
            public void onError(Throwable error) {
                thread.execute(() -> {
                    if (myGeneration == generation) {
                        watchFailed(error);
                    }
                });
            }

            @Override
            public void onCompleted() {
            }
        });
    }

    private void apply(WatchResponse response) {
        connected("watching " + prefix + " from revision " + (revision + 1));
        if (response.getEvents().isEmpty()) {
            return;
        }
        for (WatchEvent event : response.getEvents()) {
            KeyValue kv = event.getKeyValue();
            String key = EtcdText.text(kv.getKey());
            if (event.getEventType() == WatchEvent.EventType.PUT) {
                listener.put(key, EtcdText.text(kv.getValue()));
            } else if (event.getEventType() == WatchEvent.EventType.DELETE) {
                listener.delete(key);
            }
            revision = Math.max(revision, kv.getModRevision());
        }
        listener.batchDone();
    }

    private void watchFailed(Throwable error) {
        closeWatcher();
        if (error instanceof CompactedException || (error.getCause() instanceof CompactedException)) {
            log.warn("etcd compacted past revision {}; reading {} again", revision + 1, prefix);
            readAll();
            return;
        }
        disconnected("watch on " + prefix + " broke", error);
        retryLater(() -> watchFrom(revision + 1));
    }

    private void retryLater(Runnable action) {
        if (closed) {
            return;
        }
        thread.schedule(action, backoff.toMillis(), TimeUnit.MILLISECONDS);
        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
    }

    private void connected(String what) {
        backoff = MIN_BACKOFF;
        connection.reachable();
        if (!connected) {
            connected = true;
            state.accept("watching");
            log.info("etcd {}: {}", settings, what);
        }
    }

    private void disconnected(String what, Throwable error) {
        if (connection.outageNotTold()) {
            log.warn("etcd {}: {} ({}); keeping what was read and retrying", settings, what, Errors.describe(error));
        }
        connected = false;
        state.accept("disconnected");
    }

    private void closeWatcher() {
        generation++;
        if (watcher != null) {
            watcher.close();
            watcher = null;
        }
    }

    @Override
    public void close() {
        try {
            thread.submit(() -> {
                closed = true;
                closeWatcher();
            }).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.debug("closing the watch on {}: {}", prefix, e.toString());
        }
        if (ownsConnection) {
            connection.close();
        }
    }
}
