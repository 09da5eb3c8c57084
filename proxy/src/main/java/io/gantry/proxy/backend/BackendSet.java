package io.gantry.proxy.backend;

import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * An immutable snapshot of one service's backends as {@link Endpoint}s, sorted by key. Readers never
 * see it change: a new set is built and swapped in whole ({@link BackendGroup}).
 */
public final class BackendSet {

    /** The set with no backends. */
    public static final BackendSet EMPTY = new BackendSet(new Endpoint[0]);

    private final Endpoint[] endpoints;
    private final boolean uniformWeights;

    private BackendSet(Endpoint[] sorted) {
        this.endpoints = sorted;
        boolean uniform = true;
        for (Endpoint e : sorted) {
            uniform &= e.weight() == sorted[0].weight();
        }
        this.uniformWeights = uniform;
    }

    /** A set of {@code backends}, each of weight 1; keys are unique. */
    public static BackendSet of(Collection<Backend> backends) {
        Endpoint[] sorted = backends.stream()
                .sorted(Comparator.comparing(Backend::key))
                .map(Endpoint::of)
                .toArray(Endpoint[]::new);
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i].key().equals(sorted[i - 1].key())) {
                throw new IllegalArgumentException("duplicate backend key " + sorted[i].key());
            }
        }
        return new BackendSet(sorted);
    }

    /** A set of {@code endpoints} already sorted by key, each key once (a {@code SortedMap}'s values). */
    public static BackendSet ofSorted(Collection<Endpoint> endpoints) {
        return new BackendSet(endpoints.toArray(new Endpoint[0]));
    }

    /** Whether {@code other} holds the same endpoints (keys, addresses, weights, draining). */
    public boolean sameAs(BackendSet other) {
        return Arrays.equals(endpoints, other.endpoints);
    }

    /** Whether every backend has the same weight. */
    public boolean uniformWeights() {
        return uniformWeights;
    }

    public Endpoint endpoint(int index) {
        return endpoints[index];
    }

    public int size() {
        return endpoints.length;
    }

    public boolean isEmpty() {
        return endpoints.length == 0;
    }

    public Backend get(int index) {
        return endpoints[index].backend();
    }

    /**
     * The index of the backend that follows {@code key} in key order, wrapping around; whether or not
     * {@code key} is still in this set. This is what keeps a rotation going where it was when backends
     * come and go.
     */
    public int indexAfter(String key) {
        int i = indexOf(key);
        return (i >= 0 ? i + 1 : -i - 1) % endpoints.length;
    }

    /** The index of {@code key}, or {@code -(where it would be) - 1} when it is not in the set. */
    public int indexOf(String key) {
        int lo = 0;
        int hi = endpoints.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = endpoints[mid].key().compareTo(key);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -lo - 1;
    }

    /**
     * What changed from this set to {@code next}, in one pass over both (both are sorted by key): a
     * backend whose address changed is both removed and added; one whose weight or draining changed is
     * neither.
     */
    public void diff(BackendSet next, List<Backend> added, List<Backend> removed) {
        Endpoint[] a = endpoints;
        Endpoint[] b = next.endpoints;
        int i = 0;
        int j = 0;
        while (i < a.length || j < b.length) {
            int c = i == a.length ? 1 : j == b.length ? -1 : a[i].key().compareTo(b[j].key());
            if (c < 0) {
                removed.add(a[i++].backend());
            } else if (c > 0) {
                added.add(b[j++].backend());
            } else {
                if (!a[i].backend().equals(b[j].backend())) {
                    removed.add(a[i].backend());
                    added.add(b[j].backend());
                }
                i++;
                j++;
            }
        }
    }

    /** The backends, in key order. */
    public List<Backend> asList() {
        return Arrays.stream(endpoints).map(Endpoint::backend).toList();
    }

    /** The endpoints, in key order. */
    public List<Endpoint> endpoints() {
        return List.of(endpoints);
    }

    @Override
    public String toString() {
        return Arrays.toString(endpoints);
    }
}
