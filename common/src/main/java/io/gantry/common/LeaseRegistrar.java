package io.gantry.common;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.options.PutOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a set of keys in etcd under one lease, kept alive every third of its TTL. What the keys
 * should be ({@link #put}, {@link #remove}) is remembered here, so after etcd was unreachable, or the
 * lease expired meanwhile, everything is written again under a new lease. {@link #close} deletes the
 * keys and revokes the lease. One thread owns all of it. Discovery keeps its backends' keys with it,
 * the scheduler's agent its machine and its units' states.
 */
public final class LeaseRegistrar implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LeaseRegistrar.class);
    private static final long CALL_TIMEOUT_MS = 3000;
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final String endpoints;
    private final Client shared;
    private final Supplier<Client> connect;
    private final Duration ttl;
    private final ScheduledExecutorService thread = OwnerThread.named("etcd-registrar");

    private Client client;
    private final Map<String, String> desired = new HashMap<>();
    private final Map<String, String> written = new HashMap<>();
    private final Set<String> toDelete = new HashSet<>();
    private long lease;
    private boolean connected = true;
    private boolean syncScheduled;
    private Duration backoff = Duration.ofMillis(200);

    /** @param ttl the lease's time to live: keys outlive a dead process by at most this */
    public LeaseRegistrar(EtcdSettings settings, Duration ttl) {
        this(settings.toString(), null, settings::newClient, ttl);
    }

    /** Uses {@code shared}, a client someone else owns (and closes): many registrars in one process. */
    public LeaseRegistrar(Client shared, String endpoints, Duration ttl) {
        this(endpoints, shared, () -> shared, ttl);
    }

    private LeaseRegistrar(String endpoints, Client shared, Supplier<Client> connect, Duration ttl) {
        if (ttl.getSeconds() < 1) {
            throw new IllegalArgumentException("--ttl must be at least 1s, got " + ttl.toMillis() + "ms");
        }
        this.endpoints = endpoints;
        this.shared = shared;
        this.connect = connect;
        this.ttl = ttl;
    }

    /** Connects and starts keeping the lease alive. */
    public void start() {
        thread.execute(() -> {
            client = connect.get();
            sync();
        });
        long every = Math.max(ttl.toMillis() / 3, 100);
        thread.scheduleWithFixedDelay(this::keepAlive, every, every, TimeUnit.MILLISECONDS);
    }

    /** Makes {@code key} hold {@code value} in etcd, under the lease. */
    public void put(String key, String value) {
        thread.execute(() -> {
            desired.put(key, value);
            toDelete.remove(key);
            sync();
        });
    }

    /** Deletes {@code key} from etcd (now, or as soon as etcd answers; at the latest the lease expires). */
    public void remove(String key) {
        thread.execute(() -> {
            if (desired.remove(key) != null || written.containsKey(key)) {
                toDelete.add(key);
                sync();
            }
        });
    }

    /** Brings etcd in line with what is desired; on failure, tries again with backoff. */
    private void sync() {
        if (client == null) {
            return;
        }
        try {
            if (lease == 0) {
                lease = client.getLeaseClient().grant(ttl.getSeconds()).get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS).getID();
                written.clear();
                log.info("etcd {}: lease {} granted, ttl {}s", endpoints, Long.toHexString(lease), ttl.getSeconds());
            }
            for (String key : Set.copyOf(toDelete)) {
                client.getKVClient().delete(EtcdText.bytes(key)).get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                written.remove(key);
                toDelete.remove(key);
                log.info("deleted {}", key);
            }
            for (Map.Entry<String, String> e : desired.entrySet()) {
                if (!e.getValue().equals(written.get(e.getKey()))) {
                    client.getKVClient().put(EtcdText.bytes(e.getKey()), EtcdText.bytes(e.getValue()),
                            PutOption.builder().withLeaseId(lease).build()).get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                    written.put(e.getKey(), e.getValue());
                    log.info("put {} = {}", e.getKey(), e.getValue());
                }
            }
            reachable();
        } catch (Exception e) {
            unreachable(e);
            retryLater();
        }
    }

    private void keepAlive() {
        if (client == null || lease == 0) {
            return;
        }
        try {
            LeaseKeepAliveResponse r = client.getLeaseClient().keepAliveOnce(lease).get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            if (r.getTTL() <= 0) {
                leaseExpired();
            } else {
                reachable();
            }
        } catch (Exception e) {
            if (String.valueOf(Errors.describe(e)).contains("lease not found")) {
                leaseExpired();
            } else {
                unreachable(e);
                retryLater();
            }
        }
    }

    private void leaseExpired() {
        log.warn("etcd {}: lease {} expired; writing {} keys again under a new one", endpoints, Long.toHexString(lease),
                desired.size());
        lease = 0;
        written.clear();
        sync();
    }

    private void retryLater() {
        if (syncScheduled) {
            return;
        }
        syncScheduled = true;
        thread.schedule(() -> {
            syncScheduled = false;
            sync();
        }, backoff.toMillis(), TimeUnit.MILLISECONDS);
        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
    }

    private void reachable() {
        backoff = Duration.ofMillis(200);
        if (!connected) {
            connected = true;
            log.info("etcd {}: reachable again", endpoints);
        }
    }

    private void unreachable(Exception e) {
        if (connected) {
            connected = false;
            log.warn("etcd {}: unreachable ({}); keys are written when it answers", endpoints, Errors.describe(e));
        }
    }


    /** Deletes the keys written and revokes the lease (each bounded by a timeout), then disconnects. */
    @Override
    public void close() {
        try {
            thread.submit(() -> {
                if (client == null) {
                    return;
                }
                for (String key : written.keySet()) {
                    try {
                        client.getKVClient().delete(EtcdText.bytes(key)).get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                        log.info("deleted {}", key);
                    } catch (Exception e) {
                        log.warn("could not delete {} ({}); it expires with lease {}", key, Errors.describe(e), Long.toHexString(lease));
                    }
                }
                if (lease != 0) {
                    try {
                        client.getLeaseClient().revoke(lease).get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                        log.info("lease {} revoked", Long.toHexString(lease));
                    } catch (Exception e) {
                        log.warn("could not revoke lease {} ({})", Long.toHexString(lease), Errors.describe(e));
                    }
                }
            }).get(3 * CALL_TIMEOUT_MS + 1000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.warn("stopping the registrar: {}", Errors.describe(e));
        } finally {
            thread.shutdownNow();
            if (client != null && client != shared) {
                client.close();
            }
        }
    }
}
