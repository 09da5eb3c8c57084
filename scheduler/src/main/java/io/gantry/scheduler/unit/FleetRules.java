package io.gantry.scheduler.unit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A unit's {@code [X-Fleet]} section: where it may run. {@code MachineMetadata} values of one key are
 * alternatives (OR), different keys must all hold (AND); {@code Conflicts} globs hold in both directions;
 * {@code Replaces} globs keep this unit off the replaced units' machines, and where they meet, the
 * replaced unit is the one that moves (as in fleet). {@link #read} applies fleet's submit-time rules:
 * unknown keys, and combinations fleet could never place, are refused naming the line.
 *
 * @param machineId only this machine (null: any)
 * @param machineOf on the same machine as this unit (null: none)
 * @param metadata key to accepted values
 * @param conflicts globs of unit names this unit may not share a machine with
 * @param global one instance on every machine that matches {@code metadata}
 * @param replaces globs of unit names this unit takes the place of
 */
public record FleetRules(String machineId, String machineOf, Map<String, Set<String>> metadata, List<String> conflicts,
                         boolean global, List<String> replaces) {

    public static final String SECTION = "X-Fleet";

    /** fleet's deprecated spellings ({@code X-}, {@code X-Condition} prefixes, {@code MachineBootID}) and what they mean now. */
    private static final Map<String, String> LEGACY = Map.of(
            "X-ConditionMachineID", "MachineID",
            "X-ConditionMachineBootID", "MachineID",
            "X-ConditionMachineOf", "MachineOf",
            "X-Conflicts", "Conflicts",
            "X-ConditionMachineMetadata", "MachineMetadata");
    private static final List<String> KNOWN = List.of("MachineID", "MachineOf", "MachineMetadata", "Conflicts", "Global", "Replaces");

    public FleetRules {
        metadata = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metadata)); // in file order, for messages
        conflicts = List.copyOf(conflicts);
        replaces = List.copyOf(replaces);
    }

    /** Reads the section of {@code file}, specifiers already expanded by {@code specifiers}. */
    static FleetRules read(String where, UnitFile file, Specifiers specifiers) {
        String machineId = null;
        String machineOf = null;
        Map<String, Set<String>> metadata = new LinkedHashMap<>();
        List<String> conflicts = new ArrayList<>();
        List<String> replaces = new ArrayList<>();
        boolean global = false;
        Map<String, Integer> lines = new LinkedHashMap<>(); // option in use -> the line that set it last
        for (UnitFile.Entry e : file.entries()) {
            if (!e.section().equals(SECTION)) {
                continue;
            }
            String key = LEGACY.getOrDefault(e.key(), e.key());
            String value = specifiers.expand(e.value());
            switch (key) {
                case "MachineID" -> machineId = value;
                case "MachineOf" -> {
                    UnitName.parse(value);
                    machineOf = value;
                }
                case "MachineMetadata" -> {
                    for (String pair : ExecLine.parse(where, e.key(), e.line(), value).rawWords()) {
                        int eq = pair.indexOf('=');
                        if (eq <= 0 || eq == pair.length() - 1) {
                            throw new UnitException(where + " line " + e.line() + ": MachineMetadata '" + pair + "' is not key=value");
                        }
                        metadata.computeIfAbsent(pair.substring(0, eq), k -> new LinkedHashSet<>()).add(pair.substring(eq + 1));
                    }
                }
                case "Conflicts" -> conflicts.addAll(ExecLine.parse(where, e.key(), e.line(), value).rawWords());
                case "Replaces" -> replaces.addAll(ExecLine.parse(where, e.key(), e.line(), value).rawWords());
                case "Global" -> global = switch (value.toLowerCase()) {
                    case "true", "yes", "1", "on" -> true;
                    case "false", "no", "0", "off" -> false;
                    default -> throw new UnitException(where + " line " + e.line() + ": Global=" + value + " is not true or false");
                };
                default -> throw new UnitException(where + " line " + e.line() + ": unknown [X-Fleet] setting " + e.key()
                        + " (known: " + String.join(", ", KNOWN) + ", and fleet's old X-Condition* names)");
            }
            lines.put(key, e.line());
        }
        if (!global) {
            lines.remove("Global");
        }
        FleetRules rules = new FleetRules(machineId, machineOf, metadata, conflicts, global, replaces);
        rules.checkCombinations(where, UnitName.parse(where).name(), lines);
        return rules;
    }

    /** fleet's rules for options that cannot go together; the message names the line of the later one. */
    private void checkCombinations(String where, String self, Map<String, Integer> lines) {
        for (String other : List.of("MachineOf", "MachineMetadata", "Conflicts", "Global", "Replaces")) {
            refuseTogether(where, lines, "MachineID", other, "MachineID pins the unit to one machine; it goes with no other placement option");
        }
        refuseTogether(where, lines, "Global", "MachineOf", "a global unit runs on every machine, not beside one unit");
        refuseTogether(where, lines, "Global", "Replaces", "a global unit runs on every machine and replaces nothing");
        refuseTogether(where, lines, "Global", "Conflicts", "Global=true goes only with MachineMetadata");
        refuseTogether(where, lines, "Conflicts", "Replaces", "fleet cannot place a unit with both");
        if (machineOf == null) {
            return;
        }
        String at = where + " line " + lines.get("MachineOf") + ": MachineOf=" + machineOf;
        if (machineOf.equals(self)) {
            throw new UnitException(at + " names this unit itself");
        }
        for (String glob : conflicts) {
            if (glob(glob).matcher(machineOf).matches()) {
                throw new UnitException(at + " matches Conflicts=" + glob + " (line " + lines.get("Conflicts") + "): it could never be placed");
            }
        }
        for (String glob : replaces) {
            if (glob(glob).matcher(machineOf).matches()) {
                throw new UnitException(at + " matches Replaces=" + glob + " (line " + lines.get("Replaces") + "): it could never be placed");
            }
        }
    }

    private static void refuseTogether(String where, Map<String, Integer> lines, String a, String b, String why) {
        Integer la = lines.get(a);
        Integer lb = lines.get(b);
        if (la != null && lb != null) {
            String first = la <= lb ? a : b;
            String second = la <= lb ? b : a;
            throw new UnitException(where + " line " + Math.max(la, lb) + ": " + second + " cannot be used with " + first
                    + " (line " + Math.min(la, lb) + "): " + why);
        }
    }

    /** True when a machine with {@code machineMetadata} has, for every key asked for, one of its values. */
    public boolean metadataMatches(Map<String, String> machineMetadata) {
        for (Map.Entry<String, Set<String>> want : metadata.entrySet()) {
            if (!want.getValue().contains(machineMetadata.get(want.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /** True when one of this unit's Conflicts globs matches {@code unitName}. */
    public boolean conflictsWith(String unitName) {
        for (String glob : conflicts) {
            if (glob(glob).matcher(unitName).matches()) {
                return true;
            }
        }
        return false;
    }

    /** True when one of this unit's Replaces globs matches {@code unitName}. */
    public boolean replaces(String unitName) {
        for (String glob : replaces) {
            if (glob(glob).matcher(unitName).matches()) {
                return true;
            }
        }
        return false;
    }

    private static Pattern glob(String glob) {
        StringBuilder re = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString());
    }
}
