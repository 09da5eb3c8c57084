package io.gantry.proxy.backend;

import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * An immutable snapshot of the backends, sorted by key. Readers never see it change: a new set is
 * built and swapped in whole ({@link BackendGroup}).
 */
public final class BackendSet {

    /** The set with no backends. */
    public static final BackendSet EMPTY = new BackendSet(new Backend[0]);

    private final Backend[] backends;

    private BackendSet(Backend[] sorted) {
        this.backends = sorted;
    }

    /** A set of {@code backends}; keys are unique (a later duplicate key replaces an earlier one). */
    public static BackendSet of(Collection<Backend> backends) {
        Backend[] sorted = backends.stream()
                .sorted(Comparator.comparing(Backend::key))
                .toArray(Backend[]::new);
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i].key().equals(sorted[i - 1].key())) {
                throw new IllegalArgumentException("duplicate backend key " + sorted[i].key());
            }
        }
        return new BackendSet(sorted);
    }

    /** A set of {@code backends} already sorted by key, each key once (a {@code SortedMap}'s values). */
    public static BackendSet ofSorted(Collection<Backend> backends) {
        return new BackendSet(backends.toArray(new Backend[0]));
    }

    /** Whether {@code other} holds the same backends (keys and addresses). */
    public boolean sameAs(BackendSet other) {
        return Arrays.equals(backends, other.backends);
    }

    public int size() {
        return backends.length;
    }

    public boolean isEmpty() {
        return backends.length == 0;
    }

    public Backend get(int index) {
        return backends[index];
    }

    /**
     * The index of the backend that follows {@code key} in key order, wrapping around; whether or not
     * {@code key} is still in this set. This is what keeps a rotation going where it was when backends
     * come and go.
     */
    public int indexAfter(String key) {
        int lo = 0;
        int hi = backends.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = backends[mid].key().compareTo(key);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return (mid + 1) % backends.length;
            }
        }
        return lo % backends.length;
    }

    /**
     * What changed from this set to {@code next}, in one pass over both (both are sorted by key): a
     * backend whose address changed is both removed and added.
     */
    public void diff(BackendSet next, List<Backend> added, List<Backend> removed) {
        Backend[] a = backends;
        Backend[] b = next.backends;
        int i = 0;
        int j = 0;
        while (i < a.length || j < b.length) {
            int c = i == a.length ? 1 : j == b.length ? -1 : a[i].key().compareTo(b[j].key());
            if (c < 0) {
                removed.add(a[i++]);
            } else if (c > 0) {
                added.add(b[j++]);
            } else {
                if (!a[i].equals(b[j])) {
                    removed.add(a[i]);
                    added.add(b[j]);
                }
                i++;
                j++;
            }
        }
    }

    public List<Backend> asList() {
        return List.of(backends);
    }

    @Override
    public String toString() {
        return Arrays.toString(backends);
    }
}
