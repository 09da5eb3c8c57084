package io.gantry.benchmarks.scale;

/**
 * The keys routes-scale writes: {@code services} services of {@code backends} backends each, and
 * {@code routes} routes spread over those services. Backend addresses are in 127.1.0.0/16 and need not
 * be listening: no request is routed to them. One backend value in ten is JSON with a weight, as a
 * discovery that sets weights writes it; the others are {@code host:port}, as discovery writes by
 * default. Of the routes, one in ten is an {@code /api/} path on the host of the route before it, one in
 * fifty a wildcard, the rest a host of their own.
 */
record ScaleKeys(int services, int backends, int routes) {

    static final String SERVICES = "/services/";
    static final String ROUTES = "/gantry/routes/";

    ScaleKeys {
        if (services < 1 || backends < 1 || backends > 40_000 || services > 65_536 || routes < 0) {
            throw new IllegalArgumentException("services 1-65536, backends per service 1-40000, routes 0 or more");
        }
    }

    int keys() {
        return services * backends + routes;
    }

    static String service(int s) {
        return "svc-" + s;
    }

    String backendKey(int s, int b) {
        return SERVICES + service(s) + "/i-" + b;
    }

    String backendValue(int s, int b) {
        String address = "127.1." + (s >> 8) + "." + (s & 0xff) + ":" + (20_000 + b);
        return b % 10 == 9 ? "{\"address\":\"" + address + "\",\"weight\":2}" : address;
    }

    String routeKey(int r) {
        return ROUTES + "route-" + r;
    }

    String routeValue(int r) {
        String service = service(r % services);
        if (r % 10 == 9) {
            return "{\"host\":\"site" + (r - 1) + ".scale.test\",\"path\":\"/api/\",\"service\":\"" + service + "\"}";
        }
        if (r % 50 == 25) {
            return "{\"host\":\"*.wild" + r + ".scale.test\",\"service\":\"" + service + "\"}";
        }
        return "{\"host\":\"site" + r + ".scale.test\",\"service\":\"" + service + "\"}";
    }
}
