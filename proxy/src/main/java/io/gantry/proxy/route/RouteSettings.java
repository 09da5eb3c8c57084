package io.gantry.proxy.route;

import io.gantry.proxy.balance.HashKey;
import io.gantry.proxy.balance.Policy;
import java.time.Duration;

/**
 * What a route's or a service's value may set besides where it routes; null fields are not set and
 * come from the next level: a route's own, then its service's ({@code /gantry/services/<name>}), then
 * the command line's.
 *
 * @param stripPrefix the route's path is taken off the request's before it goes to the backend
 * @param timeout how long the backend may stay silent while a request waits (504 after)
 * @param tries how many backends one request may be tried on
 * @param maxBody the largest request body, in bytes, 0 for no limit (413 beyond)
 * @param policy how the service is balanced
 * @param hashOn what {@code hash} hashes
 * @param cookie the {@code sticky} cookie's name
 * @param slowStart how long a newcomer's share takes to ramp up, 0 for none
 */
public record RouteSettings(Boolean stripPrefix, Duration timeout, Integer tries, Long maxBody, Policy.Kind policy,
        HashKey hashOn, String cookie, Duration slowStart) {

    /** Nothing set. */
    public static final RouteSettings NONE = new RouteSettings(null, null, null, null, null, null, null, null);

    /** These settings where set, {@code fallback}'s elsewhere. */
    public RouteSettings over(RouteSettings fallback) {
        return new RouteSettings(
                stripPrefix != null ? stripPrefix : fallback.stripPrefix,
                timeout != null ? timeout : fallback.timeout,
                tries != null ? tries : fallback.tries,
                maxBody != null ? maxBody : fallback.maxBody,
                policy != null ? policy : fallback.policy,
                policy != null || hashOn != null ? hashOn : fallback.hashOn,
                policy != null || cookie != null ? cookie : fallback.cookie,
                slowStart != null ? slowStart : fallback.slowStart);
    }

    /**
     * The policy these settings make, every field set.
     *
     * @throws IllegalArgumentException when they contradict each other ({@code hash_on} without {@code hash})
     */
    public Policy toPolicy() {
        return new Policy(policy, hashOn, cookie, slowStart);
    }
}
