package io.gantry.scheduler.agent;

import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.gantry.common.DaemonThreads;
import io.gantry.common.Errors;
import io.gantry.common.EtcdText;
import io.gantry.common.LeaseRegistrar;
import io.gantry.common.OwnerThread;
import io.gantry.scheduler.engine.Engine;
import io.gantry.scheduler.run.Driver;
import io.gantry.scheduler.state.Assignment;
import io.gantry.scheduler.state.Machine;
import io.gantry.scheduler.state.Store;
import io.gantry.scheduler.state.UnitRecord;
import io.gantry.scheduler.state.UnitState;
import io.gantry.scheduler.unit.Unit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The scheduler on one machine: registers the machine under a lease, runs an {@link Engine}, and
 * reconciles what runs here with what is assigned here, on every change of its assignments and every
 * {@code interval}: an assigned unit that is not running is started (again, with back-off, when its
 * main died), a unit no longer assigned is stopped and its container removed, and containers labelled
 * as this machine's whose unit is not assigned here are removed too. One thread decides; unit
 * commands run on {@code workers}, one at a time per unit.
 */
public final class Agent implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Agent.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final long STABLE_MS = 10_000;

    /** Who this machine is and how it behaves. */
    public record Settings(Machine machine, String hostname, Map<String, String> environment, Duration ttl, Duration interval) {
        public Settings {
            environment = Map.copyOf(environment);
        }
    }

    private final Store store;
    private final LeaseRegistrar registrar;
    private final Driver driver;
    private final ExecutorService workers;
    private final Settings settings;
    private final String me;
    private final Engine engine;
    private final ScheduledExecutorService thread;
    private final Map<String, Slot> slots = new HashMap<>();
    private Watch.Watcher watcher;
    private int ticks;
    private boolean etcdReachable = true;

    /** A unit this agent knows: what is wanted of it and whether a command is running for it. */
    private static final class Slot {
        final UnitRunner runner;
        UnitRecord.Target wanted;
        /** The hash of the file the engine placed: when it differs from the running one's, the unit was replaced. */
        String hash;
        boolean busy;
        long nextTry;
        long backoff = 1000;

        Slot(UnitRunner runner) {
            this.runner = runner;
        }
    }

    /** A pool of {@code threads} daemon threads for unit commands, shared by any number of agents. */
    public static ExecutorService workers(String name, int threads) {
        return Executors.newFixedThreadPool(threads, DaemonThreads.named(name));
    }

    public Agent(Store store, LeaseRegistrar registrar, Driver driver, ExecutorService workers, Settings settings) {
        this.store = store;
        this.registrar = registrar;
        this.driver = driver;
        this.workers = workers;
        this.settings = settings;
        this.me = settings.machine().id();
        this.engine = new Engine(store, me, settings.ttl(), settings.interval());
        this.thread = OwnerThread.named("agent-" + me);
    }

    /** Registers the machine, starts the engine and begins reconciling. */
    public void start() {
        registrar.put(store.keys().machine(me), EtcdText.text(Store.json(settings.machine())));
        watcher = store.client().getWatchClient().watch(EtcdText.bytes(store.keys().assignments(me)),
                WatchOption.builder().isPrefix(true).build(), r -> thread.execute(this::reconcile), e -> { }, () -> { });
        engine.start();
        thread.scheduleWithFixedDelay(this::reconcile, 0, settings.interval().toMillis(), TimeUnit.MILLISECONDS);
        log.info("agent {}: machine {} (ip {}, metadata {})", me, settings.machine().label(), settings.machine().ip(),
                settings.machine().metadata());
    }

    private void reconcile() {
        Map<String, Assignment> assigned;
        try {
            assigned = store.assignmentsOf(me);
        } catch (RuntimeException e) {
            if (etcdReachable) {
                etcdReachable = false;
                log.warn("agent {}: cannot read assignments ({}); units keep running as they are", me, Errors.describe(e));
            }
            return;
        }
        if (!etcdReachable) {
            etcdReachable = true;
            log.info("agent {}: etcd reachable again", me);
        }
        assigned.forEach((unit, assignment) -> {
            Slot slot = slots.computeIfAbsent(unit, u -> {
                Slot s = new Slot(new UnitRunner(u, me, driver, state -> report(u, state)));
                if (assignment.target() == UnitRecord.Target.LOADED) {
                    report(u, new UnitState("inactive", "dead", "loaded"));
                }
                return s;
            });
            slot.wanted = assignment.target();
            slot.hash = assignment.hash();
        });
        slots.forEach((unit, slot) -> {
            if (!assigned.containsKey(unit)) {
                slot.wanted = null;
            }
        });
        slots.forEach(this::step); // a slot leaves the map only later, on this thread, when its removal is done
        if (++ticks % 10 == 1 && slots.values().stream().noneMatch(s -> s.busy)) {
            Set<String> keep = Set.copyOf(slots.keySet());
            workers.execute(() -> {
                try {
                    for (String name : driver.removeOthers(me, keep)) {
                        log.info("agent {}: removed container {}: its unit is not assigned here", me, name);
                    }
                } catch (RuntimeException ex) {
                    log.warn("agent {}: cannot list containers ({})", me, Errors.describe(ex));
                }
            });
        }
    }

    private void step(String unit, Slot slot) {
        if (slot.busy) {
            return;
        }
        UnitRunner runner = slot.runner;
        if (slot.wanted == UnitRecord.Target.LAUNCHED) {
            if (runner.main() != null && replaced(slot)) {
                log.info("agent {}: {} was replaced ({} -> {}); restarting it", me, unit, runner.hash(), slot.hash);
                work(slot, () -> runner.stop(true));
            } else if (runner.main() != null) {
                work(slot, () -> {
                    if (!runner.main().alive()) {
                        if (runner.upMillis() > STABLE_MS) {
                            slot.backoff = 1000;
                        }
                        runner.died();
                        retryLater(slot);
                    }
                });
            } else if (System.currentTimeMillis() >= slot.nextTry) {
                work(slot, () -> {
                    if (!start(unit, runner)) {
                        retryLater(slot);
                    }
                });
            }
        } else if (slot.wanted == UnitRecord.Target.LOADED) {
            if (runner.main() != null) {
                work(slot, () -> runner.stop(false));
            }
        } else {
            work(slot, () -> {
                runner.stop(true);
                registrar.remove(store.keys().state(unit, me));
            }, () -> slots.remove(unit, slot));
        }
    }

    private boolean start(String unit, UnitRunner runner) {
        Optional<UnitRecord> record;
        try {
            record = store.unit(unit);
        } catch (RuntimeException e) {
            return false;
        }
        if (record.isEmpty()) {
            return false;
        }
        try {
            Unit u = Unit.parse(unit, record.get().text());
            return runner.start(u.plan(me, settings.hostname(), settings.environment()), u.hash());
        } catch (IllegalArgumentException e) {
            report(unit, new UnitState("failed", "failed", e.getMessage()));
            return false;
        }
    }

    private static boolean replaced(Slot slot) {
        String running = slot.runner.hash();
        return slot.hash != null && running != null && !slot.hash.equals(running);
    }

    private void retryLater(Slot slot) {
        slot.nextTry = System.currentTimeMillis() + slot.backoff;
        slot.backoff = Math.min(slot.backoff * 2, MAX_BACKOFF.toMillis());
    }

    private void work(Slot slot, Runnable job) {
        work(slot, job, () -> { });
    }

    /** Runs {@code job} on a worker; {@code then} and the slot's release happen back on the agent's thread. */
    private void work(Slot slot, Runnable job, Runnable then) {
        slot.busy = true;
        workers.execute(() -> {
            try {
                job.run();
            } catch (RuntimeException e) {
                log.warn("agent {}: {}: {}", me, slot.runner.unit(), Errors.describe(e));
            } finally {
                thread.execute(() -> {
                    slot.busy = false;
                    then.run();
                });
            }
        });
    }

    private void report(String unit, UnitState state) {
        registrar.put(store.keys().state(unit, me), EtcdText.text(Store.json(state)));
    }

    /** Leaves units and containers running (as a machine that dies would); the lease ends, and with it the machine. */
    @Override
    public void close() {
        if (watcher != null) {
            watcher.close();
        }
        engine.close();
        thread.shutdownNow();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
