package io.gantry.proxy.route;

import java.util.Locale;
import java.util.Map;

/**
 * A map from text to values that is read with a region of a longer string and its hash, so a lookup
 * allocates nothing: no substring of a Host header or a path is made to ask it. Open addressing, built
 * once, immutable. Keys of a case-blind table are stored lowercase and compared ignoring ASCII case.
 */
final class TextTable<V> {

    private final String[] keys;
    private final int[] hashes;
    private final Object[] values;
    private final int mask;
    private final boolean ignoreCase;

    TextTable(Map<String, V> entries, boolean ignoreCase) {
        int capacity = Integer.highestOneBit(Math.max(4, entries.size() * 2 - 1)) << 1;
        this.keys = new String[capacity];
        this.hashes = new int[capacity];
        this.values = new Object[capacity];
        this.mask = capacity - 1;
        this.ignoreCase = ignoreCase;
        entries.forEach((k, v) -> {
            int h = hash(k, 0, k.length(), ignoreCase);
            int i = spread(h) & mask;
            while (keys[i] != null) {
                i = (i + 1) & mask;
            }
            keys[i] = ignoreCase ? k.toLowerCase(Locale.ROOT) : k; // keys are ASCII: host names
            hashes[i] = h;
            values[i] = v;
        });
    }

    /** The hash a lookup of {@code s}'s region {@code [from, to)} passes, as {@link #next} builds it char by char. */
    static int hash(CharSequence s, int from, int to, boolean ignoreCase) {
        int h = 0;
        for (int i = from; i < to; i++) {
            h = next(h, s.charAt(i), ignoreCase);
        }
        return h;
    }

    /** The hash of a region one character longer. */
    static int next(int h, char c, boolean ignoreCase) {
        return 31 * h + (ignoreCase ? lower(c) : c);
    }

    /** The value for {@code s}'s region {@code [from, to)}, whose {@link #hash} is {@code h}; null when absent. */
    @SuppressWarnings("unchecked")
    V get(CharSequence s, int from, int to, int h) {
        int len = to - from;
        for (int i = spread(h) & mask; keys[i] != null; i = (i + 1) & mask) {
            if (hashes[i] == h && keys[i].length() == len && regionEquals(keys[i], s, from)) {
                return (V) values[i];
            }
        }
        return null;
    }

    private boolean regionEquals(String key, CharSequence s, int from) {
        for (int i = 0; i < key.length(); i++) {
            char c = s.charAt(from + i);
            if (key.charAt(i) != (ignoreCase ? lower(c) : c)) {
                return false;
            }
        }
        return true;
    }

    private static int spread(int h) {
        return h ^ (h >>> 16);
    }

    private static char lower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
    }
}
