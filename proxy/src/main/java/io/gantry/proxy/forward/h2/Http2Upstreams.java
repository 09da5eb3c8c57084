package io.gantry.proxy.forward.h2;

import io.gantry.proxy.ProxyConfig;
import io.gantry.proxy.backend.Backend;
import io.gantry.proxy.backend.BackendTlsContext;
import io.gantry.proxy.forward.Exchange;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One event loop's HTTP/2 connections to backends: per backend, usually one multiplexed connection,
 * more only when the backend's SETTINGS_MAX_CONCURRENT_STREAMS is reached or it said GOAWAY (new
 * streams go to a new connection; the ones in flight finish on the old). Only that loop's thread uses it.
 */
public final class Http2Upstreams {

    private final Bootstrap bootstrap;
    private final ProxyConfig config;
    private final BackendTlsContext tls;
    private final Map<Backend, List<Http2Upstream>> connections = new HashMap<>();

    /** @param tls the context TLS backends are reached with, or null when no backend can be a TLS one */
    public Http2Upstreams(Bootstrap template, EventLoop loop, ProxyConfig config, BackendTlsContext tls) {
        this.bootstrap = template.clone(loop);
        this.config = config;
        this.tls = tls;
    }

    /** A new attempt of {@code exchange}'s request on {@code backend}, as one stream; not started yet. */
    public Http2Attempt attempt(Exchange exchange, Backend backend, boolean newConnectionOnly) {
        return new Http2Attempt(exchange, backend, this, newConnectionOnly);
    }

    /** A connection to {@code backend} with room for one more stream: an open one, or a new one. */
    Http2Upstream connectionFor(Backend backend, boolean newConnectionOnly) {
        List<Http2Upstream> list = connections.computeIfAbsent(backend, b -> new ArrayList<>(1));
        if (!newConnectionOnly) {
            for (Http2Upstream u : list) {
                if (u.hasRoom()) {
                    return u;
                }
            }
        }
        Http2Upstream u = new Http2Upstream(this, backend);
        list.add(u);
        u.connect(bootstrap, config, tls);
        return u;
    }

    /** {@code u} closed: no stream goes to it again. */
    void closed(Http2Upstream u) {
        List<Http2Upstream> list = connections.get(u.backend());
        if (list != null && list.remove(u) && list.isEmpty()) {
            connections.remove(u.backend());
        }
    }
}
