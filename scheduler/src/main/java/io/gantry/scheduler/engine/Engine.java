package io.gantry.scheduler.engine;

import io.etcd.jetcd.Watch;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.WatchOption;
import io.gantry.common.Errors;
import io.gantry.common.EtcdText;
import io.gantry.common.OwnerThread;
import io.gantry.scheduler.state.Assignment;
import io.gantry.scheduler.state.Machine;
import io.gantry.scheduler.state.Store;
import io.gantry.scheduler.state.UnitRecord;
import io.gantry.scheduler.unit.Unit;
import io.gantry.scheduler.unit.UnitException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The engine that runs in every agent. One leads at a time: the leader key is created under this
 * engine's own lease, so when its agent dies the key expires and another engine takes it. The leader
 * places units ({@link Placement}) when it starts leading, whenever units or machines change, and
 * every ten intervals anyway; its writes hold only while the leader key still names it.
 */
public final class Engine implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Engine.class);
    /** Without a change seen, the leader still places every this many intervals, in case a watch missed one. */
    private static final int SAFETY_NET_TICKS = 10;

    private final Store store;
    private final String machineId;
    private final Duration ttl;
    private final Duration interval;
    private final ScheduledExecutorService thread;
    private final Map<String, Unit> parsed = new HashMap<>();
    private final List<Watch.Watcher> watchers = new ArrayList<>();
    private long lease;
    private boolean leading;
    private boolean placeScheduled;
    private int ticksSincePlaced;

    public Engine(Store store, String machineId, Duration ttl, Duration interval) {
        this.store = store;
        this.machineId = machineId;
        this.ttl = ttl;
        this.interval = interval;
        this.thread = OwnerThread.named("engine-" + machineId);
    }

    public void start() {
        WatchOption prefix = WatchOption.builder().isPrefix(true).build();
        for (String p : List.of(store.keys().units(), store.keys().machines())) {
            watchers.add(store.client().getWatchClient().watch(EtcdText.bytes(p), prefix, r -> thread.execute(this::placeSoon),
                    e -> { }, () -> { }));
        }
        thread.scheduleWithFixedDelay(this::tick, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void tick() {
        try {
            if (lease != 0) {
                if (store.client().getLeaseClient().keepAliveOnce(lease).get(5, TimeUnit.SECONDS).getTTL() <= 0) {
                    lease = 0;
                }
            }
        } catch (Exception e) {
            lease = 0;
        }
        try {
            if (lease == 0) {
                lease = store.client().getLeaseClient().grant(ttl.getSeconds()).get(5, TimeUnit.SECONDS).getID();
            }
            boolean now = store.campaign(machineId, lease);
            boolean becameLeader = now && !leading;
            if (now != leading) {
                leading = now;
                log.info("engine {}: {}", machineId, now ? "leading" : "following " + store.leader());
            }
            // Changes arrive through the watches; this full pass is for a new leader, and a safety net.
            if (becameLeader || (leading && ++ticksSincePlaced >= SAFETY_NET_TICKS)) {
                place();
            }
        } catch (Exception e) {
            if (leading) {
                log.warn("engine {}: cannot reach etcd ({}); no longer leading", machineId, Errors.describe(e));
            }
            leading = false;
        }
    }

    private void placeSoon() {
        if (!leading || placeScheduled) {
            return;
        }
        placeScheduled = true;
        thread.schedule(() -> {
            placeScheduled = false;
            try {
                place();
            } catch (RuntimeException e) {
                log.warn("engine {}: placing failed ({}); trying again in {} ms", machineId, Errors.describe(e), interval.toMillis());
            }
        }, 20, TimeUnit.MILLISECONDS);
    }

    /** Reads units, machines and assignments, places, and writes the difference. */
    private void place() {
        if (!leading) {
            return;
        }
        ticksSincePlaced = 0;
        Map<String, UnitRecord> records = store.units();
        Map<String, Machine> machines = store.machines();
        Map<String, Map<String, Assignment>> current = store.placements();
        Map<String, String> unplacedNow = store.unplaced();

        Map<String, Unit> units = new TreeMap<>();
        Map<String, String> broken = new TreeMap<>();
        for (UnitRecord r : records.values()) {
            if (r.target() == UnitRecord.Target.INACTIVE) {
                continue;
            }
            try {
                Unit u = parsed.get(r.name());
                if (u == null || !u.text().equals(r.text())) {
                    u = Unit.parse(r.name(), r.text());
                    parsed.put(r.name(), u);
                }
                if (!u.name().isTemplate()) {
                    units.put(r.name(), u);
                }
            } catch (UnitException e) {
                broken.put(r.name(), e.getMessage());
            }
        }
        parsed.keySet().retainAll(records.keySet());
        Map<String, Set<String>> where = new HashMap<>();
        current.forEach((unit, byMachine) -> where.put(unit, byMachine.keySet()));
        Placement.Result result = Placement.place(machines, units, where);

        List<Op> ops = new ArrayList<>();
        current.forEach((unit, byMachine) -> byMachine.forEach((machine, target) -> {
            if (!result.assigned().getOrDefault(unit, Set.of()).contains(machine)) {
                ops.add(Store.deleteOp(store.keys().assignment(machine, unit)));
            }
        }));
        result.assigned().forEach((unit, onto) -> {
            Assignment wanted = new Assignment(records.get(unit).target(), units.get(unit).hash());
            for (String machine : onto) {
                if (!wanted.equals(current.getOrDefault(unit, Map.of()).get(machine))) {
                    ops.add(Store.putOp(store.keys().assignment(machine, unit), wanted.value()));
                    log.info("engine {}: {} -> {} ({})", machineId, unit, machines.get(machine).label(), wanted.value());
                }
            }
        });
        Map<String, String> unplaced = new TreeMap<>(result.unplaced());
        unplaced.putAll(broken);
        unplacedNow.forEach((unit, reason) -> {
            if (!unplaced.containsKey(unit)) {
                ops.add(Store.deleteOp(store.keys().unplaced(unit)));
            }
        });
        unplaced.forEach((unit, reason) -> {
            if (!reason.equals(unplacedNow.get(unit))) {
                ops.add(Store.putOp(store.keys().unplaced(unit), reason));
                log.info("engine {}: {} not launched: {}", machineId, unit, reason);
            }
        });
        if (!ops.isEmpty() && !store.applyAsLeader(machineId, ops)) {
            leading = false;
            log.info("engine {}: no longer leading", machineId);
        }
    }

    @Override
    public void close() {
        watchers.forEach(Watch.Watcher::close);
        thread.shutdownNow();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (lease != 0) {
            try {
                store.client().getLeaseClient().revoke(lease).get(3, TimeUnit.SECONDS);
            } catch (Exception e) {
                // it expires by itself
            }
        }
    }
}
