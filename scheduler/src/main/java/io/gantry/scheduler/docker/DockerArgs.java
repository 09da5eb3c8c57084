package io.gantry.scheduler.docker;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The flags and operands of one docker subcommand, read the way the Docker CLI reads them. */
final class DockerArgs {
    private final String what;
    private final List<String> words;
    private final Map<String, List<String>> values = new LinkedHashMap<>();
    private final List<String> operands = new ArrayList<>();

    DockerArgs(String what, List<String> words) {
        this.what = what;
        this.words = words;
    }

    /** Reads flags; with {@code stopAtOperand} everything from the first operand on is an operand. */
    void flags(Set<String> valued, Set<String> bool, boolean stopAtOperand) {
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            if (!w.startsWith("-") || w.equals("-")) {
                operands.add(w);
                if (stopAtOperand) {
                    operands.addAll(words.subList(i + 1, words.size()));
                    return;
                }
                continue;
            }
            int eq = w.indexOf('=');
            String flag = w.startsWith("--") && eq > 0 ? w.substring(0, eq) : w;
            if (valued.contains(flag)) {
                if (eq > 0 && w.startsWith("--")) {
                    add(flag, w.substring(eq + 1));
                } else if (i + 1 < words.size()) {
                    add(flag, words.get(++i));
                } else {
                    throw new IllegalArgumentException(what + " " + flag + " needs a value");
                }
            } else if (bool.contains(flag)) {
                add(flag, "true");
            } else if (!w.startsWith("--") && w.length() > 2 && w.substring(1).chars().allMatch(c -> bool.contains("-" + (char) c))) {
                w.substring(1).chars().forEach(c -> add("-" + (char) c, "true"));
            } else if (!w.startsWith("--") && w.length() > 2 && valued.contains(w.substring(0, 2))) {
                add(w.substring(0, 2), w.substring(2));
            } else {
                throw new IllegalArgumentException(what + ": unsupported flag " + w);
            }
        }
    }

    private void add(String flag, String value) {
        values.computeIfAbsent(flag, k -> new ArrayList<>()).add(value);
    }

    List<String> all(String... names) {
        List<String> out = new ArrayList<>();
        for (String n : names) {
            out.addAll(values.getOrDefault(n, List.of()));
        }
        return out;
    }

    String one(String... names) {
        List<String> all = all(names);
        return all.isEmpty() ? null : all.get(all.size() - 1);
    }

    boolean has(String... names) {
        return !all(names).isEmpty();
    }

    List<String> operands() {
        return operands;
    }

    List<String> names() {
        if (operands.isEmpty()) {
            throw new IllegalArgumentException(what + " needs a container name");
        }
        return operands;
    }
}
