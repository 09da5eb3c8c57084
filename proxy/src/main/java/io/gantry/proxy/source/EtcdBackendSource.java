package io.gantry.proxy.source;

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
import io.gantry.common.OwnerThread;
import io.gantry.common.ServiceKeys;
import io.gantry.proxy.ProxyMetrics;
import io.gantry.proxy.backend.BackendGroup;
import io.gantry.proxy.backend.BackendSet;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backends from an etcd prefix: read it once, then watch it from the next revision. After a broken
 * connection the watch resumes from the last revision seen, with backoff; after a compaction it reads
 * the prefix again. While etcd is unreachable the group keeps the last set. Everything here runs on one
 * thread, which owns the state.
 */
public final class EtcdBackendSource implements BackendSource {

    private static final Logger log = LoggerFactory.getLogger(EtcdBackendSource.class);
    private static final Duration MIN_BACKOFF = Duration.ofMillis(200);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final EtcdSettings settings;
    private final String prefix;
    private final ProxyMetrics metrics;
    private final ScheduledExecutorService thread = OwnerThread.named("etcd-source");
    private final CountDownLatch firstSet = new CountDownLatch(1);

    private Client client;
    private BackendGroup group;
    private final BackendTable backends = new BackendTable();
    private long revision;
    private Watch.Watcher watcher;
    private int generation;
    private Duration backoff = MIN_BACKOFF;
    private boolean connected;
    private boolean closed;

    public EtcdBackendSource(EtcdSettings settings, String prefix, ProxyMetrics metrics) {
        this.settings = settings;
        this.prefix = ServiceKeys.normalizePrefix(prefix);
        this.metrics = metrics;
    }

    @Override
    public void start(BackendGroup group) {
        this.group = group;
        // The etcd client (grpc, Vert.x) loads on this source's thread, beside the admin server starting on the caller's.
        thread.execute(() -> {
            client = settings.newClient();
            readAll();
        });
    }

    @Override
    public boolean awaitFirstSet(Duration timeout) throws InterruptedException {
        return firstSet.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Reads the whole prefix, replaces the set, and watches from the next revision. */
    private void readAll() {
        if (closed) {
            return;
        }
        GetResponse response;
        try {
            response = client.getKVClient()
                    .get(EtcdText.bytes(prefix), GetOption.builder().isPrefix(true).build())
                    .get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            disconnected("cannot read " + prefix, e);
            retryLater(this::readAll);
            return;
        }
        backends.clear();
        for (KeyValue kv : response.getKvs()) {
            backends.put(EtcdText.text(kv.getKey()), EtcdText.text(kv.getValue()));
        }
        revision = response.getHeader().getRevision();
        publish();
        firstSet.countDown();
        log.info("read {} backends under {} at revision {} from {}", backends.size(), prefix, revision, settings);
        watchFrom(revision + 1);
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
                backends.put(key, EtcdText.text(kv.getValue()));
            } else if (event.getEventType() == WatchEvent.EventType.DELETE) {
                backends.delete(key);
            }
            revision = Math.max(revision, kv.getModRevision());
        }
        publish();
    }

    private void publish() {
        BackendSet next = backends.snapshot();
        if (!next.sameAs(group.current())) {
            group.update(next);
        }
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
        if (!connected) {
            connected = true;
            metrics.sourceState("watching");
            log.info("etcd {}: {}", settings, what);
        }
    }

    private void disconnected(String what, Throwable error) {
        if (connected || "starting".equals(metrics.sourceState())) {
            log.warn("etcd {}: {} ({}); keeping the last {} backends and retrying", settings, what, Errors.describe(error),
                    backends.size());
        }
        connected = false;
        metrics.sourceState("disconnected");
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
            log.debug("closing the etcd source: {}", e.toString());
        }
        thread.shutdownNow();
        if (client != null) {
            client.close();
        }
    }
}
