package io.gantry.proxy.source;

import io.etcd.jetcd.Client;
import io.gantry.common.EtcdSettings;
import io.gantry.common.OwnerThread;
import java.util.concurrent.ScheduledExecutorService;

/**
 * One etcd client and the one thread its watches run on: the watches of routes, service settings and
 * backends share it, so what they feed is owned by that thread alone. The client is made on first use,
 * on the thread (its gRPC classes take a while to load).
 */
public final class EtcdConnection implements AutoCloseable {

    private final EtcdSettings settings;
    private final ScheduledExecutorService thread;
    private volatile Client client;
    /** An outage was logged and no watch has reached etcd since: the watches' own thread only. */
    private boolean outageTold;

    public EtcdConnection(EtcdSettings settings, String threadName) {
        this.settings = settings;
        this.thread = OwnerThread.named(threadName);
    }

    public EtcdSettings settings() {
        return settings;
    }

    public ScheduledExecutorService thread() {
        return thread;
    }

    /** The client, made now if it was not; only on {@link #thread}. */
    Client client() {
        if (client == null) {
            client = settings.newClient();
        }
        return client;
    }

    /** A watch reached etcd: the next failure is a new outage. */
    void reachable() {
        outageTold = false;
    }

    /**
     * Whether a failure is the first of an outage, for the watches sharing this connection: true once
     * (at start too), then false until {@link #reachable}. So an outage is one line, not one per watch.
     */
    boolean outageNotTold() {
        boolean first = !outageTold;
        outageTold = true;
        return first;
    }

    /** Stops the thread and closes the client; close the watches first. */
    @Override
    public void close() {
        thread.shutdownNow();
        Client c = client;
        if (c != null) {
            c.close();
        }
    }
}
