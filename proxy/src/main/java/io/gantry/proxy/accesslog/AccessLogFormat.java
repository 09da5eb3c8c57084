package io.gantry.proxy.accesslog;

import java.time.ZoneId;
import java.util.Locale;

/** How an access log line is written: {@code --access-log-format combined|json}. */
public enum AccessLogFormat {
    /** nginx's {@code combined}: what goaccess, fail2ban and log shippers read unchanged. */
    COMBINED,
    /** One JSON object a line, with every field of {@link AccessLogEntry}. */
    JSON;

    /**
     * The format a flag names.
     *
     * @throws IllegalArgumentException naming the flag when {@code name} is neither {@code combined} nor {@code json}
     */
    public static AccessLogFormat named(String name) {
        return switch (name) {
            case "combined" -> COMBINED;
            case "json" -> JSON;
            default -> throw new IllegalArgumentException("--access-log-format must be combined or json, got '" + name + "'");
        };
    }

    /** A formatter of this format for one thread, writing times in {@code zone}. */
    LineFormatter newFormatter(ZoneId zone) {
        return this == COMBINED ? new CombinedLine(zone) : new JsonLine(zone);
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
