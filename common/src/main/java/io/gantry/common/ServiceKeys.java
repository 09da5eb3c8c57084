package io.gantry.common;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * The etcd contract for backends: one key per backend under a service prefix,
 * {@code /services/<service>/<instance>} → {@code host:port}, or a JSON object whose
 * {@code "address"} is {@code host:port} (room for later fields such as weight or draining).
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
     * Reads a backend value.
     *
     * @throws IllegalArgumentException naming the key when the value is neither {@code host:port} nor
     *     a JSON object with an {@code address} of that form
     */
    public static HostPort parseValue(String key, String value) {
        String v = value.trim();
        try {
            if (v.startsWith("{")) {
                JsonNode address = Json.MAPPER.readTree(v).get("address");
                if (address == null || !address.isTextual()) {
                    throw new IllegalArgumentException("JSON value has no \"address\" string");
                }
                return HostPort.parse(address.asText());
            }
            return HostPort.parse(v);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("key " + key + ": value '" + abbreviate(v) + "' is not host:port ("
                    + e.getMessage().lines().findFirst().orElse("") + ")");
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
