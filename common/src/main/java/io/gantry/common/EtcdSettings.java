package io.gantry.common;

import io.etcd.jetcd.Client;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * How a Gantry program reaches etcd: the endpoints (comma-separated, as {@code --etcd} takes them)
 * and the keep-alive that notices a dead member quickly enough to fail over to another.
 */
public record EtcdSettings(List<URI> endpoints) {

    public EtcdSettings {
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("no etcd endpoint");
        }
        endpoints = List.copyOf(endpoints);
    }

    /** Parses {@code http://127.0.0.1:2379,http://127.0.0.1:22379}. */
    public static EtcdSettings parse(String text) {
        List<URI> uris = Arrays.stream(text.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .map(EtcdSettings::endpoint)
                .toList();
        if (uris.isEmpty()) {
            throw new IllegalArgumentException("'" + text + "' names no etcd endpoint");
        }
        return new EtcdSettings(uris);
    }

    private static URI endpoint(String s) {
        try {
            URI uri = URI.create(s);
            if (!"http".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 1) {
                throw new IllegalArgumentException();
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + s + "' is not an etcd endpoint like http://127.0.0.1:2379");
        }
    }

    /** A jetcd client for these endpoints; the caller closes it. */
    public Client newClient() {
        return Client.builder()
                .endpoints(endpoints.toArray(URI[]::new))
                .keepaliveTime(Duration.ofSeconds(5))
                .keepaliveTimeout(Duration.ofSeconds(3))
                .keepaliveWithoutCalls(true)
                .connectTimeout(Duration.ofSeconds(3))
                // Fail fast while etcd is unreachable: callers retry with their own backoff and know the state.
                .waitForReady(false)
                .build();
    }

    @Override
    public String toString() {
        return String.join(",", endpoints.stream().map(URI::toString).toList());
    }
}
