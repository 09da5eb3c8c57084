package io.gantry.proxy.balance;

import io.gantry.proxy.backend.BackendSet;
import io.gantry.proxy.backend.Endpoint;
import io.gantry.proxy.backend.PassiveHealth;
import io.netty.handler.codec.http.HttpRequest;
import java.util.HashMap;
import java.util.Map;

/**
 * Sticky sessions by cookie, as HAProxy's {@code cookie SERVERID insert} and Traefik's sticky cookie: a
 * request whose cookie names an endpoint that may take it goes there; any other is placed by a
 * {@link RoundRobin} (its slow start included), and the response sets the cookie to the endpoint it came
 * from. The cookie's value is a hash of the backend's key, the same on every proxy, so a client stays put
 * whichever public node it reaches, and it names no address. A draining endpoint keeps no session.
 */
public final class StickyCookie implements Balancer {

    private record Ids(BackendSet set, Map<String, Endpoint> byId, Map<Endpoint, String> ofEndpoint) {
    }

    private final String cookie;
    private final RoundRobin placement;
    private volatile Ids ids = new Ids(BackendSet.EMPTY, Map.of(), Map.of());

    public StickyCookie(String cookie, SlowStart slowStart) {
        this.cookie = cookie;
        this.placement = new RoundRobin(slowStart);
    }

    /** The cookie value that names the backend under {@code key}. */
    public static String id(String key) {
        return String.format("%016x", Hashing.hash(key, 0, key.length()));
    }

    @Override
    public void rebase(BackendSet set) {
        placement.rebase(set);
        Map<String, Endpoint> byId = new HashMap<>();
        Map<Endpoint, String> ofEndpoint = new HashMap<>();
        for (Endpoint e : set.endpoints()) {
            String id = id(e.key());
            byId.put(id, e);
            ofEndpoint.put(e, id);
        }
        ids = new Ids(set, byId, ofEndpoint);
    }

    @Override
    public Endpoint pick(HttpRequest request, String clientAddress, Endpoint avoid, PassiveHealth health) {
        String value = Cookies.value(request, cookie);
        if (value != null) {
            Endpoint e = ids.byId().get(value);
            if (e != null && Candidates.eligible(e, avoid, health, System.nanoTime())) {
                return e;
            }
        }
        return placement.pick(request, clientAddress, avoid, health);
    }

    @Override
    public String cookieFor(Endpoint chosen, HttpRequest request) {
        String id = ids.ofEndpoint().get(chosen);
        if (id == null) {
            id = id(chosen.key()); // the set changed while the request was out
        }
        return id.equals(Cookies.value(request, cookie)) ? null : cookie + "=" + id + "; Path=/; HttpOnly";
    }
}
