package io.gantry.proxy.balance;

import io.gantry.common.HostPort;
import io.gantry.proxy.backend.Backend;
import io.gantry.proxy.backend.BackendLoad;
import io.gantry.proxy.backend.BackendSet;
import io.gantry.proxy.backend.Endpoint;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Sets of endpoints for balancer tests. */
final class Endpoints {

    private Endpoints() {
    }

    static Endpoint endpoint(String key, int weight, boolean draining) {
        return new Endpoint(Backend.of(key, HostPort.parse("127.0.0.1:80")), weight, draining, BackendLoad.fromStart());
    }

    static BackendSet of(Endpoint... endpoints) {
        List<Endpoint> sorted = new ArrayList<>(Arrays.asList(endpoints));
        sorted.sort((a, b) -> a.key().compareTo(b.key()));
        return BackendSet.ofSorted(sorted);
    }

    /** Endpoints named {@code prefix0..prefix(n-1)}, weight 1. */
    static BackendSet named(String prefix, int n) {
        Endpoint[] e = new Endpoint[n];
        for (int i = 0; i < n; i++) {
            e[i] = endpoint(prefix + i, 1, false);
        }
        return of(e);
    }

    static HttpRequest request() {
        return new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
    }

    static HttpRequest withHeader(String name, String value) {
        HttpRequest r = request();
        r.headers().set(name, value);
        return r;
    }
}
