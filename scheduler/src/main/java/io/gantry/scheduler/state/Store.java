package io.gantry.scheduler.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.gantry.common.EtcdText;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The scheduler's state in etcd ({@link Keys}), read and written as records. Every call waits at
 * most a few seconds and throws {@link StoreException} when etcd does not answer.
 */
public final class Store {

    /** etcd's default limit on operations in one transaction is 128. */
    private static final int MAX_TXN_OPS = 100;
    private static final long TIMEOUT_MS = 5000;
    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final Client client;
    private final Keys keys;

    public Store(Client client, Keys keys) {
        this.client = client;
        this.keys = keys;
    }

    public Keys keys() {
        return keys;
    }

    public Client client() {
        return client;
    }

    /** Every submitted unit by name, in name order. */
    public Map<String, UnitRecord> units() {
        Map<String, UnitRecord> out = new TreeMap<>();
        for (KeyValue kv : range(keys.units())) {
            UnitRecord u = read(kv, UnitRecord.class);
            out.put(u.name(), u);
        }
        return out;
    }

    public Optional<UnitRecord> unit(String name) {
        List<KeyValue> kvs = get(keys.unit(name), GetOption.DEFAULT);
        return kvs.isEmpty() ? Optional.empty() : Optional.of(read(kvs.get(0), UnitRecord.class));
    }

    /** Writes {@code units} in as few transactions as etcd allows. */
    public void putUnits(java.util.Collection<UnitRecord> units) {
        List<Op> ops = new ArrayList<>();
        for (UnitRecord u : units) {
            ops.add(Op.put(EtcdText.bytes(keys.unit(u.name())), json(u), PutOption.DEFAULT));
        }
        for (int i = 0; i < ops.size(); i += MAX_TXN_OPS) {
            txn(List.of(), ops.subList(i, Math.min(ops.size(), i + MAX_TXN_OPS)));
        }
    }

    /** Deletes unit {@code name}; false when there was none. */
    public boolean deleteUnit(String name) {
        return call(client.getKVClient().delete(EtcdText.bytes(keys.unit(name)))).getDeleted() > 0;
    }

    /** Every live machine by id. */
    public Map<String, Machine> machines() {
        Map<String, Machine> out = new TreeMap<>();
        for (KeyValue kv : range(keys.machines())) {
            Machine m = read(kv, Machine.class);
            out.put(m.id(), m);
        }
        return out;
    }

    /** Unit → machine → target, for every assignment. */
    public Map<String, Map<String, UnitRecord.Target>> assignments() {
        Map<String, Map<String, UnitRecord.Target>> out = new TreeMap<>();
        placements().forEach((unit, byMachine) -> byMachine.forEach((machine, a) ->
                out.computeIfAbsent(unit, k -> new TreeMap<>()).put(machine, a.target())));
        return out;
    }

    /** Unit → machine → assignment (target and the hash of the file placed), for every assignment. */
    public Map<String, Map<String, Assignment>> placements() {
        Map<String, Map<String, Assignment>> out = new TreeMap<>();
        for (KeyValue kv : range(keys.assignments())) {
            String[] parts = EtcdText.text(kv.getKey()).substring(keys.assignments().length()).split("/", 2);
            out.computeIfAbsent(parts[1], k -> new TreeMap<>()).put(parts[0], assignment(kv));
        }
        return out;
    }

    /** Unit → assignment, for the units assigned to {@code machine}. */
    public Map<String, Assignment> assignmentsOf(String machine) {
        Map<String, Assignment> out = new TreeMap<>();
        String prefix = keys.assignments(machine);
        for (KeyValue kv : range(prefix)) {
            out.put(EtcdText.text(kv.getKey()).substring(prefix.length()), assignment(kv));
        }
        return out;
    }

    /** Unit → machine → state, as the agents report them. */
    public Map<String, Map<String, UnitState>> states() {
        Map<String, Map<String, UnitState>> out = new TreeMap<>();
        for (KeyValue kv : range(keys.states())) {
            String rest = EtcdText.text(kv.getKey()).substring(keys.states().length());
            int slash = rest.lastIndexOf('/');
            out.computeIfAbsent(rest.substring(0, slash), k -> new TreeMap<>()).put(rest.substring(slash + 1), read(kv, UnitState.class));
        }
        return out;
    }

    /** Unit → why the engine cannot place it. */
    public Map<String, String> unplaced() {
        Map<String, String> out = new TreeMap<>();
        for (KeyValue kv : range(keys.unplaced())) {
            out.put(EtcdText.text(kv.getKey()).substring(keys.unplaced().length()), EtcdText.text(kv.getValue()));
        }
        return out;
    }

    /** The machine id whose engine leads, or null. */
    public String leader() {
        List<KeyValue> kvs = get(keys.leader(), GetOption.DEFAULT);
        return kvs.isEmpty() ? null : EtcdText.text(kvs.get(0).getValue());
    }

    /** Makes {@code machine} the leader under {@code lease} if nobody leads; true when it leads now. */
    public boolean campaign(String machine, long lease) {
        ByteSequence key = EtcdText.bytes(keys.leader());
        if (txn(List.of(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(0))),
                List.of(Op.put(key, EtcdText.bytes(machine), PutOption.builder().withLeaseId(lease).build())))) {
            return true;
        }
        return machine.equals(leader());
    }

    /** Applies {@code ops} in transactions that each hold only while {@code machine} leads; false when it does not. */
    public boolean applyAsLeader(String machine, List<Op> ops) {
        ByteSequence key = EtcdText.bytes(keys.leader());
        Cmp leads = new Cmp(key, Cmp.Op.EQUAL, CmpTarget.value(EtcdText.bytes(machine)));
        for (int i = 0; i < ops.size(); i += MAX_TXN_OPS) {
            if (!txn(List.of(leads), ops.subList(i, Math.min(ops.size(), i + MAX_TXN_OPS)))) {
                return false;
            }
        }
        return true;
    }

    public static Op putOp(String key, String value) {
        return Op.put(EtcdText.bytes(key), EtcdText.bytes(value), PutOption.DEFAULT);
    }

    public static Op deleteOp(String key) {
        return Op.delete(EtcdText.bytes(key), DeleteOption.DEFAULT);
    }

    /** The JSON form of a record, as stored. */
    public static ByteSequence json(Object value) {
        try {
            return ByteSequence.from(JSON.writeValueAsBytes(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static <T> T read(KeyValue kv, Class<T> type) {
        try {
            return JSON.readValue(kv.getValue().getBytes(), type);
        } catch (java.io.IOException e) {
            throw new StoreException(EtcdText.text(kv.getKey()) + " holds something unreadable: " + e.getMessage());
        }
    }

    private static Assignment assignment(KeyValue kv) {
        try {
            return Assignment.parse(EtcdText.text(kv.getValue()));
        } catch (IllegalArgumentException e) {
            throw new StoreException(EtcdText.text(kv.getKey()) + " holds '" + EtcdText.text(kv.getValue()) + "', not an assignment");
        }
    }

    private List<KeyValue> range(String prefix) {
        return get(prefix, GetOption.builder().isPrefix(true).build());
    }

    private List<KeyValue> get(String key, GetOption option) {
        return call(client.getKVClient().get(EtcdText.bytes(key), option)).getKvs();
    }

    private boolean txn(List<Cmp> ifs, List<Op> thens) {
        return call(client.getKVClient().txn().If(ifs.toArray(Cmp[]::new)).Then(thens.toArray(Op[]::new)).commit()).isSucceeded();
    }

    private static <T> T call(java.util.concurrent.CompletableFuture<T> f) {
        try {
            return f.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted");
        } catch (ExecutionException e) {
            throw new StoreException("etcd: " + io.gantry.common.Errors.describe(e.getCause()));
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new StoreException("etcd did not answer within " + TIMEOUT_MS / 1000 + " s");
        }
    }

    /** etcd did not answer, or holds something that is not the scheduler's. */
    public static final class StoreException extends RuntimeException {
        public StoreException(String message) {
            super(message);
        }
    }

}
