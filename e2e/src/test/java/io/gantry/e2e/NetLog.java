package io.gantry.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * What one Chromium run's net log ({@code --log-net-log}) says about the network: the pages it
 * loaded, the addresses it opened TCP connections to, and for each TLS connection the protocol
 * version, the application protocol ALPN agreed ({@code h2}, {@code http/1.1}) and the certificate the
 * server presented (the leaf, as received, before any verification).
 */
record NetLog(List<String> pages, List<String> connectedTo, List<String> tlsVersions, List<String> alpnProtocols,
        List<X509Certificate> serverCertificates) {

    static NetLog read(Path file) throws Exception {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new AssertionError("chromium's net log " + file + " is not JSON: " + e.getMessage(), e);
        }
        // Events name their type by number; the numbers are given once, in constants.logEventTypes.
        JsonNode types = root.path("constants").path("logEventTypes");
        int urlRequest = types.path("URL_REQUEST_START_JOB").asInt(-1);
        int tcpConnect = types.path("TCP_CONNECT").asInt(-1);
        int sslConnect = types.path("SSL_CONNECT").asInt(-1);
        int certificates = types.path("SSL_CERTIFICATES_RECEIVED").asInt(-1);
        List<String> pages = new ArrayList<>();
        List<String> connectedTo = new ArrayList<>();
        List<String> versions = new ArrayList<>();
        List<String> alpn = new ArrayList<>();
        List<X509Certificate> certs = new ArrayList<>();
        for (JsonNode event : root.path("events")) {
            int type = event.path("type").asInt();
            JsonNode params = event.path("params");
            if (type == urlRequest && "main frame".equals(params.path("request_type").asText())) {
                pages.add(params.path("url").asText());
            } else if (type == tcpConnect && params.has("remote_address")) {
                connectedTo.add(params.path("remote_address").asText());
            } else if (type == sslConnect && params.has("version")) {
                versions.add(params.path("version").asText());
                alpn.add(params.path("next_proto").asText("none"));
            } else if (type == certificates && params.path("certificates").size() > 0) {
                certs.add(Chromium.certificate(params.path("certificates").get(0).asText()));
            }
        }
        return new NetLog(List.copyOf(pages), List.copyOf(connectedTo), List.copyOf(versions), List.copyOf(alpn),
                List.copyOf(certs));
    }
}
