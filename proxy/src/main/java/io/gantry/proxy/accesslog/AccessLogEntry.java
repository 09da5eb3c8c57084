package io.gantry.proxy.accesslog;

import io.gantry.common.HostPort;

/**
 * One finished request as the event loop saw it: references to what it already holds (the request's
 * strings, the backend's address) and a few numbers, nothing formatted, so that making it is the only
 * cost of the access log on the event loop. The writer thread turns it into a line.
 *
 * @param endMillis when the exchange ended, in Unix milliseconds (nginx's {@code $time_local})
 * @param client the client's IP address
 * @param method the request method, or null when the request line could not be read
 * @param uri the request target as the client sent it, or null with {@code method}
 * @param protocol {@code HTTP/1.0} or {@code HTTP/1.1}, or null with {@code method}
 * @param authorization the Authorization header (its Basic user name is {@code $remote_user}), or null
 * @param status the status sent to the client; 499 when the client left before any response
 * @param bytesReceived request body bytes read from the client
 * @param bytesSent response body bytes sent to the client ({@code $body_bytes_sent})
 * @param requestNanos from the request's head to the response's end
 * @param backendNanos from the last attempt's start to the backend's response's end, or -1 without one
 * @param referer the Referer header, or null
 * @param userAgent the User-Agent header, or null
 * @param route the name of the route that matched ({@code catch-all} for {@code --prefix}), or null when none did
 * @param service the service the route leads to, or null
 * @param backend the backend that answered, or null when the proxy answered itself
 * @param tls the TLS version of the client's connection ({@code TLSv1.3}), or null over cleartext
 * @param retries how many further backends the request was tried on after the first
 */
public record AccessLogEntry(
        long endMillis,
        String client,
        String method,
        String uri,
        String protocol,
        String authorization,
        int status,
        long bytesReceived,
        long bytesSent,
        long requestNanos,
        long backendNanos,
        String referer,
        String userAgent,
        String route,
        String service,
        HostPort backend,
        String tls,
        int retries) {
}
