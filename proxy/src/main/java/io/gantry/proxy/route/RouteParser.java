package io.gantry.proxy.route;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.common.Durations;
import io.gantry.common.ServiceKeys;
import io.gantry.proxy.balance.HashKey;
import io.gantry.proxy.balance.Policy;
import java.io.IOException;
import java.time.Duration;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads route values ({@code /gantry/routes/<name>}) and service values ({@code /gantry/services/<name>}).
 * A field that is not known, or not of its kind, refuses the whole value with a message naming the field,
 * so a typo (a {@code "stip_prefix"}) is told, not ignored.
 */
public final class RouteParser {

    private static final Set<String> SETTINGS = Set.of("timeout", "tries", "max_body", "policy", "hash_on", "cookie", "slow_start");
    private static final Set<String> ROUTE_ONLY = Set.of("host", "path", "service", "strip_prefix");
    /** A DNS name, lowercase, optionally {@code *.} before it. */
    private static final Pattern HOST = Pattern.compile("(\\*\\.)?([a-z0-9_]([a-z0-9_-]*[a-z0-9_])?\\.)*[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?");
    /** A service name: one key segment. */
    private static final Pattern SERVICE = Pattern.compile("[A-Za-z0-9._@:-]+");

    private RouteParser() {
    }

    /**
     * A route value.
     *
     * @throws IllegalArgumentException saying what is wrong, without the key (the caller names it)
     */
    public static RouteSpec route(String name, String value) {
        JsonNode json = object(value);
        for (Iterator<String> it = json.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!SETTINGS.contains(field) && !ROUTE_ONLY.contains(field)) {
                throw new IllegalArgumentException("unknown field \"" + field + "\" (a route has host, path, service, strip_prefix, "
                        + String.join(", ", SETTINGS.stream().sorted().toList()) + ")");
            }
        }
        String service = text(json, "service");
        if (service == null) {
            throw new IllegalArgumentException("\"service\" is missing: it names the service whose backends take the route");
        }
        if (!SERVICE.matcher(service).matches()) {
            throw new IllegalArgumentException("\"service\": \"" + service + "\" is not a service name (one key segment, no /)");
        }
        String host = text(json, "host");
        if (host != null) {
            host = host.toLowerCase(Locale.ROOT);
            if (host.endsWith(".")) {
                host = host.substring(0, host.length() - 1);
            }
            if (!HOST.matcher(host).matches()) {
                throw new IllegalArgumentException("\"host\": \"" + host + "\" is not a host name or *.wildcard (no port, no scheme)");
            }
        }
        String path = text(json, "path");
        if (path == null) {
            path = "/";
        } else if (!path.startsWith("/") || path.chars().anyMatch(c -> c <= 0x20 || c >= 0x7f || c == '?' || c == '#')) {
            throw new IllegalArgumentException("\"path\": \"" + path + "\" is not a path prefix (it starts with /, no query, no spaces)");
        }
        return new RouteSpec(name, host, path, service, settings(json, bool(json, "strip_prefix")));
    }

    /**
     * A service value: the settings its routes take unless they say otherwise.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static RouteSettings service(String value) {
        JsonNode json = object(value);
        for (Iterator<String> it = json.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!SETTINGS.contains(field)) {
                throw new IllegalArgumentException("unknown field \"" + field + "\" (a service has "
                        + String.join(", ", SETTINGS.stream().sorted().toList()) + ")");
            }
        }
        return settings(json, null);
    }

    private static RouteSettings settings(JsonNode json, Boolean stripPrefix) {
        Duration timeout = duration(json, "timeout", false);
        Duration slowStart = duration(json, "slow_start", true);
        Integer tries = null;
        JsonNode t = json.get("tries");
        if (t != null) {
            if (!t.isIntegralNumber() || !t.canConvertToInt() || t.intValue() < 1) {
                throw new IllegalArgumentException("\"tries\": " + t + " is not a whole number of at least 1");
            }
            tries = t.intValue();
        }
        Long maxBody = null;
        JsonNode b = json.get("max_body");
        if (b != null) {
            if (!b.isIntegralNumber() || !b.canConvertToLong() || b.longValue() < 0) {
                throw new IllegalArgumentException("\"max_body\": " + b + " is not a number of bytes (0 for no limit)");
            }
            maxBody = b.longValue();
        }
        String policyText = text(json, "policy");
        Policy.Kind policy = policyText == null ? null : Policy.Kind.named(policyText);
        String hashOnText = text(json, "hash_on");
        HashKey hashOn = hashOnText == null ? null : HashKey.parse(hashOnText);
        String cookie = text(json, "cookie");
        Policy.requireConsistent(policy, hashOn, cookie);
        return new RouteSettings(stripPrefix, timeout, tries, maxBody, policy, hashOn, cookie, slowStart);
    }

    private static JsonNode object(String value) {
        JsonNode json;
        try {
            json = ServiceKeys.json().readTree(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON (" + e.getMessage() + ")");
        }
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        return json;
    }

    private static String text(JsonNode json, String field) {
        JsonNode n = json.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw new IllegalArgumentException("\"" + field + "\": " + n + " is not a string");
        }
        return n.asText();
    }

    private static Boolean bool(JsonNode json, String field) {
        JsonNode n = json.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isBoolean()) {
            throw new IllegalArgumentException("\"" + field + "\": " + n + " is not true or false");
        }
        return n.booleanValue();
    }

    private static Duration duration(JsonNode json, String field, boolean zeroAllowed) {
        String text = text(json, field);
        if (text == null) {
            return null;
        }
        Duration d;
        try {
            d = Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("\"" + field + "\": " + e.getMessage());
        }
        if (d.isZero() && !zeroAllowed) {
            throw new IllegalArgumentException("\"" + field + "\": must be longer than 0");
        }
        return d;
    }
}
