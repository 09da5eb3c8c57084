package io.gantry.proxy.balance;

/** A 64-bit hash of text, the same on every proxy and every run: FNV-1a, then MurmurHash3's finaliser. */
final class Hashing {

    private Hashing() {
    }

    /** The hash of {@code s}'s characters from {@code from} to {@code to}, never 0. */
    static long hash(CharSequence s, int from, int to) {
        return hash(s, from, to, 0xcbf29ce484222325L);
    }

    /** The same with another starting value: a second, independent hash. */
    static long hash(CharSequence s, int from, int to, long seed) {
        long h = seed;
        for (int i = from; i < to; i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h == 0 ? 1 : h;
    }
}
