package io.gantry.scheduler.state;

/**
 * Where the scheduler keeps its state in etcd, all under one prefix (default {@code /gantry/scheduler/}):
 * <pre>
 * units/&lt;unit&gt;                     {name, text, target}: what was submitted and asked for
 * machines/&lt;machine&gt;               {id, ip, metadata, api}, under the agent's lease
 * assignments/&lt;machine&gt;/&lt;unit&gt;     target (launched|loaded):hash of the file, written by the leading engine
 * unplaced/&lt;unit&gt;                  why the engine cannot place it now
 * states/&lt;unit&gt;/&lt;machine&gt;          {active, sub, detail}, under the agent's lease
 * leader                           the id of the machine whose engine leads, under its lease
 * </pre>
 */
public record Keys(String prefix) {

    public static final String DEFAULT_PREFIX = "/gantry/scheduler/";

    public Keys {
        if (!prefix.startsWith("/") || !prefix.endsWith("/")) {
            throw new IllegalArgumentException("--prefix '" + prefix + "' must start and end with '/'");
        }
    }

    public String units() {
        return prefix + "units/";
    }

    public String unit(String name) {
        return units() + name;
    }

    public String machines() {
        return prefix + "machines/";
    }

    public String machine(String id) {
        return machines() + id;
    }

    public String assignments() {
        return prefix + "assignments/";
    }

    public String assignments(String machine) {
        return assignments() + machine + "/";
    }

    public String assignment(String machine, String unit) {
        return assignments(machine) + unit;
    }

    public String unplaced() {
        return prefix + "unplaced/";
    }

    public String unplaced(String unit) {
        return unplaced() + unit;
    }

    public String states() {
        return prefix + "states/";
    }

    public String state(String unit, String machine) {
        return states() + unit + "/" + machine;
    }

    public String leader() {
        return prefix + "leader";
    }
}
