package io.gantry.scheduler.unit;

import java.util.ArrayList;
import java.util.List;

/**
 * A systemd unit file as written: sections of {@code Key=Value} entries in order, each with the line
 * it started on. Comments ({@code #}, {@code ;}) and blank lines are dropped; a line ending in a
 * backslash continues on the next (joined with a space, comment lines in between skipped).
 */
public final class UnitFile {

    /** One {@code Key=Value} line (after continuations), with the line number it starts on. */
    public record Entry(String section, String key, String value, int line) {
    }

    private final List<Entry> entries;

    private UnitFile(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** Parses {@code text}; {@code name} only labels error messages. */
    public static UnitFile parse(String name, String text) {
        List<Entry> entries = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        String section = null;
        for (int i = 0; i < lines.length; i++) {
            int start = i + 1;
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[")) {
                if (!line.endsWith("]") || line.length() < 3) {
                    throw new UnitException(name + " line " + start + ": '" + line + "' is not a [Section] header");
                }
                section = line.substring(1, line.length() - 1);
                continue;
            }
            StringBuilder joined = new StringBuilder(line);
            while (joined.length() > 0 && joined.charAt(joined.length() - 1) == '\\' && i + 1 < lines.length) {
                joined.setLength(joined.length() - 1);
                i++;
                String next = lines[i].strip();
                if (next.startsWith("#") || next.startsWith(";")) {
                    joined.append('\\');
                    continue;
                }
                joined.append(' ').append(next);
            }
            int eq = joined.indexOf("=");
            if (eq <= 0) {
                throw new UnitException(name + " line " + start + ": expected Key=Value, got '" + joined + "'");
            }
            if (section == null) {
                throw new UnitException(name + " line " + start + ": '" + joined + "' comes before any [Section]");
            }
            entries.add(new Entry(section, joined.substring(0, eq).strip(), joined.substring(eq + 1).strip(), start));
        }
        return new UnitFile(entries);
    }

    /** Every entry in file order. */
    public List<Entry> entries() {
        return entries;
    }

    /**
     * The entries of {@code key} in {@code section}, in order; an empty assignment ({@code Key=})
     * clears the ones before it, as in systemd.
     */
    public List<Entry> all(String section, String key) {
        List<Entry> found = new ArrayList<>();
        for (Entry e : entries) {
            if (e.section.equals(section) && e.key.equals(key)) {
                if (e.value.isEmpty()) {
                    found.clear();
                } else {
                    found.add(e);
                }
            }
        }
        return found;
    }

    /** The last value of {@code key} in {@code section}, or null. */
    public Entry last(String section, String key) {
        List<Entry> all = all(section, key);
        return all.isEmpty() ? null : all.get(all.size() - 1);
    }
}
