package io.gantry.proxy.balance;

import java.time.Duration;
import java.util.Locale;

/**
 * How a route's service is balanced, as a route or service value names it: {@code round_robin} (the
 * default), {@code least_request}, {@code hash} (with {@code hash_on}) or {@code sticky} (with its
 * {@code cookie}), and the slow start window. Equal policies share one {@link Balancer} per service.
 */
public record Policy(Kind kind, HashKey hashOn, String cookie, Duration slowStart) {

    /** The policies. */
    public enum Kind {
        ROUND_ROBIN, LEAST_REQUEST, HASH, STICKY;

        /** Its name in a route value: {@code least_request}. */
        public String text() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * @throws IllegalArgumentException naming the policies there are
         */
        public static Kind named(String text) {
            for (Kind k : values()) {
                if (k.text().equals(text)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("\"policy\": \"" + text + "\" is not one of round_robin, least_request, hash, sticky");
        }
    }

    /** The sticky cookie's name when a value names none, as Traefik's is named after it. */
    public static final String DEFAULT_COOKIE = "gantry_sticky";

    /** Round-robin without slow start. */
    public static final Policy ROUND_ROBIN = new Policy(Kind.ROUND_ROBIN, null, null, Duration.ZERO);

    public Policy {
        requireConsistent(kind, hashOn, cookie);
        if (kind == Kind.STICKY && cookie == null) {
            cookie = DEFAULT_COOKIE;
        }
        if (kind == Kind.HASH) {
            slowStart = Duration.ZERO; // keys stay where they hash; slow start would move them
        }
    }

    /**
     * The rules a policy's fields obey, for a whole policy and for one route or service value alike
     * ({@code kind} null there: the value names none): {@code hash} needs {@code hash_on}, which needs
     * {@code hash}; a {@code cookie} needs {@code sticky} and is a cookie name.
     *
     * @throws IllegalArgumentException naming the field that breaks one
     */
    public static void requireConsistent(Kind kind, HashKey hashOn, String cookie) {
        if (cookie != null && !HashKey.isToken(cookie)) {
            throw new IllegalArgumentException("\"cookie\": \"" + cookie + "\" is not a cookie name");
        }
        if (kind != Kind.HASH && hashOn != null) {
            throw new IllegalArgumentException("\"hash_on\" applies to \"policy\": \"hash\" only");
        }
        if (kind != Kind.STICKY && cookie != null) {
            throw new IllegalArgumentException("\"cookie\" applies to \"policy\": \"sticky\" only");
        }
        if (kind == Kind.HASH && hashOn == null) {
            throw new IllegalArgumentException("\"policy\": \"hash\" needs \"hash_on\": header:NAME, cookie:NAME or client_address");
        }
    }

    /** A new balancer of this policy, over no endpoints yet. */
    public Balancer newBalancer() {
        SlowStart ramp = SlowStart.over(slowStart);
        return switch (kind) {
            case ROUND_ROBIN -> new RoundRobin(ramp);
            case LEAST_REQUEST -> new LeastRequest(ramp);
            case HASH -> new MaglevHash(hashOn);
            case STICKY -> new StickyCookie(cookie, ramp);
        };
    }

    @Override
    public String toString() {
        return kind.text() + (hashOn != null ? " on " + hashOn : "") + (kind == Kind.STICKY ? " (cookie " + cookie + ")" : "")
                + (slowStart.isZero() ? "" : ", slow start " + slowStart.toMillis() + " ms");
    }
}
