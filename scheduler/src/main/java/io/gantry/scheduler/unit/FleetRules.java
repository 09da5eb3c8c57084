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
 * alternatives (OR), different keys must all hold (AND); {@code Conflicts} globs hold in both directions.
 *
 * @param machineId only this machine (null: any)
 * @param machineOf on the same machine as this unit (null: none)
 * @param metadata key to accepted values
 * @param conflicts globs of unit names this unit may not share a machine with
 * @param global one instance on every machine that matches {@code metadata}
 */
public record FleetRules(String machineId, String machineOf, Map<String, Set<String>> metadata, List<String> conflicts,
                         boolean global) {

    public static final String SECTION = "X-Fleet";

    public FleetRules {
        metadata = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metadata)); // in file order, for messages
        conflicts = List.copyOf(conflicts);
    }

    /** Reads the section of {@code file}, specifiers already expanded by {@code specifiers}. */
    static FleetRules read(String where, UnitFile file, Specifiers specifiers) {
        String machineId = null;
        String machineOf = null;
        Map<String, Set<String>> metadata = new LinkedHashMap<>();
        List<String> conflicts = new ArrayList<>();
        boolean global = false;
        for (UnitFile.Entry e : file.entries()) {
            if (!e.section().equals(SECTION)) {
                continue;
            }
            String value = specifiers.expand(e.value());
            switch (e.key()) {
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
                case "Global" -> global = switch (value.toLowerCase()) {
                    case "true", "yes", "1", "on" -> true;
                    case "false", "no", "0", "off" -> false;
                    default -> throw new UnitException(where + " line " + e.line() + ": Global=" + value + " is not true or false");
                };
                default -> throw new UnitException(where + " line " + e.line() + ": unknown [X-Fleet] setting " + e.key()
                        + " (known: MachineID, MachineOf, MachineMetadata, Conflicts, Global)");
            }
        }
        if (global && (machineId != null || machineOf != null || !conflicts.isEmpty())) {
            throw new UnitException(where + ": Global=true goes only with MachineMetadata (as in fleet)");
        }
        return new FleetRules(machineId, machineOf, metadata, conflicts, global);
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
