package io.gantry.proxy.admin;

import io.gantry.proxy.ProxyMetrics;
import io.gantry.proxy.backend.BackendGroup;
import io.gantry.proxy.backend.Endpoint;
import io.gantry.proxy.backend.Services;
import io.gantry.proxy.route.Route;
import io.gantry.proxy.route.Routes;
import io.gantry.proxy.tls.CertificateTable;
import io.gantry.proxy.tls.ServerCertificate;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Answers {@code GET /status} and {@code GET /metrics}; anything else gets a 404 or 405 with a reason. */
@ChannelHandler.Sharable
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private final Services services;
    private final Routes routes;
    private final String catchAllService;
    private final ProxyMetrics metrics;
    private final Supplier<CertificateTable> certificates;

    /**
     * @param catchAllService the catch-all route's service, whose backends {@code "backends"} lists; null for none
     * @param certificates what the HTTPS listener serves now, or null without one
     */
    AdminHandler(Services services, Routes routes, String catchAllService, ProxyMetrics metrics,
            Supplier<CertificateTable> certificates) {
        this.services = services;
        this.routes = routes;
        this.catchAllService = catchAllService;
        this.metrics = metrics;
        this.certificates = certificates;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        String path = request.uri().replaceFirst("\\?.*", "");
        FullHttpResponse response;
        if (request.decoderResult().isFailure()) {
            response = text(HttpResponseStatus.BAD_REQUEST, "malformed request\n", "text/plain");
        } else if (!path.equals("/status") && !path.equals("/metrics")) {
            response = text(HttpResponseStatus.NOT_FOUND, "not found: try /status or /metrics\n", "text/plain");
        } else if (!request.method().equals(HttpMethod.GET) && !request.method().equals(HttpMethod.HEAD)) {
            response = text(HttpResponseStatus.METHOD_NOT_ALLOWED, request.method() + " not allowed: use GET\n", "text/plain");
            response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
        } else if (path.equals("/status")) {
            response = text(HttpResponseStatus.OK, status(), "application/json");
        } else {
            response = text(HttpResponseStatus.OK, prometheus(), "text/plain; version=0.0.4; charset=utf-8");
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (!keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        var f = ctx.writeAndFlush(response);
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** The status document; written by hand because a JSON library would cost the proxy's startup more than it saves here. */
    private String status() {
        StringBuilder out = new StringBuilder(256).append("{\n  \"source\" : ");
        quote(out, metrics.sourceState()).append(",\n  \"backends\" : ");
        backends(out, catchAllService == null ? List.of() : services.group(catchAllService).current().endpoints(), "    ");
        out.append(",\n  \"routes\" : [");
        List<Route> list = routes.current().routes();
        for (int i = 0; i < list.size(); i++) {
            Route r = list.get(i);
            out.append(i == 0 ? "\n" : ",\n").append("    { \"name\" : ");
            quote(out, r.name()).append(", \"host\" : ");
            if (r.host() == null) {
                out.append("null");
            } else {
                quote(out, r.host());
            }
            quote(out.append(", \"path\" : "), r.path()).append(", \"service\" : ");
            quote(out, r.service().service()).append(", \"policy\" : ");
            quote(out, r.policy().toString()).append(" }");
        }
        out.append(list.isEmpty() ? "],\n" : "\n  ],\n");
        out.append("  \"routes_rejected\" : ").append(routes.rejected()).append(",\n  \"services\" : [");
        String sep = "\n";
        for (BackendGroup g : services.all()) {
            quote(out.append(sep).append("    { \"name\" : "), g.service()).append(", \"backends\" : ");
            backends(out, g.current().endpoints(), "      ");
            out.append(" }");
            sep = ",\n";
        }
        out.append(sep.equals("\n") ? "],\n" : "\n  ],\n");
        if (certificates != null) {
            out.append("  \"certificates\" : [");
            List<CertificateTable.Entry> served = certificates.get().entries();
            for (int i = 0; i < served.size(); i++) {
                ServerCertificate c = served.get(i).certificate();
                out.append(i == 0 ? "\n" : ",\n").append("    { \"origin\" : ");
                quote(out, c.origin()).append(", \"names\" : [");
                for (int n = 0; n < c.names().size(); n++) {
                    quote(out.append(n == 0 ? "" : ", "), c.names().get(n));
                }
                out.append("], \"not_after\" : ");
                quote(out, c.leaf().getNotAfter().toInstant().toString()).append(i == 0 ? ", \"default\" : true }" : " }");
            }
            out.append(served.isEmpty() ? "],\n" : "\n  ],\n");
        }
        out.append("  \"counters\" : {");
        Map<String, Long> counters = new LinkedHashMap<>();
        for (int c = 1; c <= 5; c++) {
            counters.put("responses_" + c + "xx", metrics.responses(c));
        }
        counters.put("backend_errors", metrics.backendErrors());
        counters.put("connections_active", metrics.connectionsActive());
        counters.put("connections_total", metrics.connectionsOpened());
        counters.put("pooled_idle_connections", metrics.pooledIdleConnections());
        counters.put("access_log_dropped", metrics.accessLogLinesDropped());
        sep = "\n";
        for (Map.Entry<String, Long> e : counters.entrySet()) {
            out.append(sep).append("    \"").append(e.getKey()).append("\" : ").append(e.getValue());
            sep = ",\n";
        }
        return out.append("\n  }\n}\n").toString();
    }

    private static void backends(StringBuilder out, List<Endpoint> endpoints, String indent) {
        out.append('[');
        for (int i = 0; i < endpoints.size(); i++) {
            Endpoint e = endpoints.get(i);
            out.append(i == 0 ? "\n" : ",\n").append(indent).append("{ \"key\" : ");
            quote(out, e.key()).append(", \"address\" : ");
            quote(out, e.backend().address().toString()).append(", \"state\" : ")
                    .append(e.draining() ? "\"draining\"" : "\"up\"")
                    .append(", \"weight\" : ").append(e.weight())
                    .append(", \"in_flight\" : ").append(e.load().inFlight()).append(" }");
        }
        out.append(endpoints.isEmpty() ? "]" : "\n" + indent.substring(2) + "]");
    }

    private static StringBuilder quote(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"');
    }

    private String prometheus() {
        StringBuilder out = new StringBuilder(1024);
        help(out, "gantry_responses_total", "counter", "Responses sent to clients, by status class.");
        for (int c = 1; c <= 5; c++) {
            out.append("gantry_responses_total{class=\"").append(c).append("xx\"} ").append(metrics.responses(c)).append('\n');
        }
        metric(out, "gantry_backend_errors_total", "counter", "Failed attempts to use a backend (connect, reset, timeout).",
                metrics.backendErrors());
        metric(out, "gantry_connections_active", "gauge", "Open client connections.", metrics.connectionsActive());
        metric(out, "gantry_connections_total", "counter", "Client connections accepted.", metrics.connectionsOpened());
        metric(out, "gantry_connections_refused_total", "counter", "Client connections closed on arrival: --max-connections were open.",
                metrics.connectionsRefused());
        help(out, "gantry_client_timeouts_total", "counter",
                "Clients given up on: a request head or body that stopped arriving, a response they took none of (--send-timeout).");
        for (String k : ProxyMetrics.CLIENT_TIMEOUTS) {
            out.append("gantry_client_timeouts_total{kind=\"").append(k).append("\"} ").append(metrics.clientTimeouts(k)).append('\n');
        }
        metric(out, "gantry_http2_connections_total", "counter", "Client connections that spoke HTTP/2.", metrics.http2Connections());
        metric(out, "gantry_http2_streams_total", "counter", "Request streams HTTP/2 clients opened.", metrics.http2Streams());
        metric(out, "gantry_pool_idle_connections", "gauge", "Idle keep-alive connections to backends, all pools.",
                metrics.pooledIdleConnections());
        metric(out, "gantry_access_log_dropped_total", "counter",
                "Access log lines dropped because the writer fell behind (its queue was full) or could not write.",
                metrics.accessLogLinesDropped());
        metric(out, "gantry_backends", "gauge", "Backends of every service.", services.backendCount());
        metric(out, "gantry_routes", "gauge", "Routes in use, the catch-all included.", routes.current().routes().size());
        metric(out, "gantry_routes_rejected", "gauge", "Route and service values in etcd skipped as malformed (the log names each key).",
                routes.rejected());
        metric(out, "gantry_services", "gauge", "Services known: named by a route or with backends.", services.size());
        help(out, "gantry_service_backends", "gauge", "Backends of each service, by state (draining ones take no new requests).");
        for (BackendGroup g : services.all()) {
            int draining = 0;
            for (Endpoint e : g.current().endpoints()) {
                draining += e.draining() ? 1 : 0;
            }
            out.append("gantry_service_backends{service=");
            quote(out, g.service()).append(",state=\"up\"} ").append(g.current().size() - draining).append('\n');
            out.append("gantry_service_backends{service=");
            quote(out, g.service()).append(",state=\"draining\"} ").append(draining).append('\n');
        }
        help(out, "gantry_service_requests_in_flight", "gauge", "Requests each service's backends are answering now.");
        for (BackendGroup g : services.all()) {
            int inFlight = 0;
            for (Endpoint e : g.current().endpoints()) {
                inFlight += e.load().inFlight();
            }
            out.append("gantry_service_requests_in_flight{service=");
            quote(out, g.service()).append("} ").append(inFlight).append('\n');
        }
        help(out, "gantry_tls_handshakes_total", "counter", "TLS handshakes on the HTTPS listener, by result.");
        for (String r : ProxyMetrics.TLS_RESULTS) {
            out.append("gantry_tls_handshakes_total{result=\"").append(r).append("\"} ").append(metrics.tlsHandshakes(r)).append('\n');
        }
        metric(out, "gantry_tls_certificates_refused_total", "counter",
                "Certificates (renewals, new files, etcd values) refused as broken or mismatched; the previous ones stay.",
                metrics.certificatesRefused());
        if (certificates != null) {
            help(out, "gantry_tls_certificate_expiry_timestamp_seconds", "gauge",
                    "When each served certificate expires (notAfter), in Unix seconds: alert on it minus time().");
            for (CertificateTable.Entry e : certificates.get().entries()) {
                out.append("gantry_tls_certificate_expiry_timestamp_seconds{origin=");
                quote(out, e.certificate().origin()).append("} ").append(e.certificate().leaf().getNotAfter().getTime() / 1000).append('\n');
            }
        }
        help(out, "gantry_source_state", "gauge", "1 for the backend source's current state.");
        out.append("gantry_source_state{state=\"").append(metrics.sourceState()).append("\"} 1\n");
        return out.toString();
    }

    private static void help(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void metric(StringBuilder out, String name, String type, String help, long value) {
        help(out, name, type, help);
        out.append(name).append(' ').append(value).append('\n');
    }

    private static FullHttpResponse text(HttpResponseStatus status, String body, String contentType) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
        return r;
    }
}
