package io.gantry.common;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * The etcd contract for backends: one key per backend under a service prefix,
 * {@code /services/<service>/<instance>} → {@code host:port}, or a JSON object whose
 * {@code "address"} is {@code host:port}, with optional {@code "tls"}, {@code "protocol"},
 * {@code "weight"} and {@code "draining"} ({@link BackendValue}). Other fields are ignored, so values written for newer programs stay readable.
 */
public final class ServiceKeys {

    /** The tutorial's prefix, the default of every program. */
    public static final String DEFAULT_PREFIX = "/services/website/";

    /** Jackson costs half a second of class loading: only values that are JSON pay for it. */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    private ServiceKeys() {
    }

    /** The JSON reader every etcd value is read with, loaded on first use. */
    public static ObjectMapper json() {
        return Json.MAPPER;
    }

    /**
     * Loads the JSON reader now. A program that watches backend values calls it once it has read them:
     * otherwise the first JSON value pays for the loading as it is applied, and that is typically
     * discovery's draining mark, under load, while the backend keeps getting new requests.
     */
    public static void loadJson() {
        try {
            Json.MAPPER.readTree("{\"address\":\"127.0.0.1:1\",\"draining\":true}");
        } catch (IOException e) {
            throw new IllegalStateException("Jackson cannot read a constant: " + e, e);
        }
    }

    /** The prefix a service's backends live under: {@code /services/<service>/}. */
    public static String prefix(String service) {
        return "/services/" + service + "/";
    }

    /** A prefix as users type it, with the trailing slash that keeps {@code /services/web} from matching {@code /services/website}. */
    public static String normalizePrefix(String prefix) {
        if (prefix == null || !prefix.startsWith("/")) {
            throw new IllegalArgumentException("prefix '" + prefix + "' must start with /");
        }
        return prefix.endsWith("/") ? prefix : prefix + "/";
    }

    /**
     * Reads a backend value's address.
     *
     * @throws IllegalArgumentException naming the key when the value is not one {@link #parseBackend} accepts
     */
    public static HostPort parseValue(String key, String value) {
        return parseBackend(key, value).address();
    }

    /**
     * Reads a backend value: {@code host:port}, or JSON {@code {"address": "host:port", "tls": true,
     * "protocol": "h2", "weight": 3, "draining": true}} (all but {@code address} optional).
     *
     * @throws IllegalArgumentException naming the key when the value is neither {@code host:port} nor
     *     a JSON object with an {@code address} of that form, when its {@code tls} is not a boolean, or its
     *     {@code protocol} not one of {@link BackendValue#PROTOCOLS} or at odds with {@code tls}
     */
    public static BackendValue parseBackend(String key, String value) {
        String v = value.trim();
        if (!v.startsWith("{")) {
            return new BackendValue(address(key, v, v), false);
        }
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(v);
        } catch (IOException e) {
            throw notHostPort(key, v, e.getMessage());
        }
        JsonNode address = json.get("address");
        if (address == null || !address.isTextual()) {
            throw notHostPort(key, v, "JSON value has no \"address\" string");
        }
        JsonNode tls = json.get("tls");
        if (tls != null && !tls.isBoolean()) {
            throw new IllegalArgumentException("key " + key + ": value '" + abbreviate(v) + "' has \"tls\": "
                    + abbreviate(tls.toString()) + ", which is not true or false");
        }
        boolean overTls = tls != null && tls.booleanValue();
        JsonNode protocol = json.get("protocol");
        String p = protocol == null ? "http/1.1" : protocol.isTextual() ? protocol.asText().toLowerCase(java.util.Locale.ROOT) : null;
        if (p == null || !BackendValue.PROTOCOLS.contains(p)) {
            throw new IllegalArgumentException("key " + key + ": value '" + abbreviate(v) + "' has \"protocol\": "
                    + abbreviate(String.valueOf(protocol)) + ", which is not one of " + String.join(", ", BackendValue.PROTOCOLS));
        }
        if (p.equals("h2") != overTls && !p.equals("http/1.1")) {
            throw new IllegalArgumentException("key " + key + ": value '" + abbreviate(v) + "' has \"protocol\": \"" + p
                    + "\"" + (overTls ? " with \"tls\": true; HTTP/2 over TLS is \"h2\"" : " without \"tls\": true; cleartext HTTP/2 is \"h2c\""));
        }
        JsonNode weight = json.get("weight");
        if (weight != null && (!weight.canConvertToInt() || !weight.isIntegralNumber() || weight.intValue() < 0
                || weight.intValue() > BackendValue.MAX_WEIGHT)) {
            throw new IllegalArgumentException("key " + key + ": value '" + abbreviate(v) + "' has \"weight\": "
                    + abbreviate(weight.toString()) + ", which is not a whole number from 0 to " + BackendValue.MAX_WEIGHT);
        }
        JsonNode draining = json.get("draining");
        if (draining != null && !draining.isBoolean()) {
            throw new IllegalArgumentException("key " + key + ": value '" + abbreviate(v) + "' has \"draining\": "
                    + abbreviate(draining.toString()) + ", which is not true or false");
        }
        return new BackendValue(address(key, v, address.asText()), overTls, p, weight == null ? 1 : weight.intValue(),
                draining != null && draining.booleanValue());
    }

    private static HostPort address(String key, String value, String text) {
        try {
            return HostPort.parse(text);
        } catch (IllegalArgumentException e) {
            throw notHostPort(key, value, e.getMessage());
        }
    }

    private static IllegalArgumentException notHostPort(String key, String value, String why) {
        return new IllegalArgumentException("key " + key + ": value '" + abbreviate(value) + "' is not host:port ("
                + why.lines().findFirst().orElse("") + ")");
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
