package io.gantry.proxy.source;

import io.gantry.common.EtcdSettings;
import io.gantry.proxy.ProxyMetrics;
import io.gantry.proxy.backend.BackendGroup;
import io.gantry.proxy.backend.BackendSet;
import java.time.Duration;

/**
 * Backends from an etcd prefix, mirrored by an {@link EtcdPrefixWatch} into a {@link BackendTable}
 * and published to the group after each complete batch. While etcd is unreachable the group keeps the
 * last set. Everything here runs on the watch's thread, which owns the table.
 */
public final class EtcdBackendSource implements BackendSource, EtcdPrefixWatch.Listener {

    private final BackendTable backends = new BackendTable();
    private final EtcdPrefixWatch watch;
    private BackendGroup group;

    public EtcdBackendSource(EtcdSettings settings, String prefix, ProxyMetrics metrics) {
        this.watch = new EtcdPrefixWatch(settings, prefix, "backends", this, metrics::sourceState);
    }

    @Override
    public void start(BackendGroup group) {
        this.group = group;
        watch.start();
    }

    @Override
    public boolean awaitFirstSet(Duration timeout) throws InterruptedException {
        return watch.awaitFirstRead(timeout);
    }

    @Override
    public void clear() {
        backends.clear();
    }

    @Override
    public void put(String key, String value) {
        backends.put(key, value);
    }

    @Override
    public void delete(String key) {
        backends.delete(key);
    }

    @Override
    public void batchDone() {
        BackendSet next = backends.snapshot();
        if (!next.sameAs(group.current())) {
            group.update(next);
        }
    }

    @Override
    public void close() {
        watch.close();
    }
}
