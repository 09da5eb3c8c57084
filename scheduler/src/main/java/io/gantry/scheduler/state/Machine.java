package io.gantry.scheduler.state;

import java.util.Map;
import java.util.TreeMap;

/** A machine as its agent registers it: id, address, metadata such as {@code region=us-east}. */
public record Machine(String id, String ip, Map<String, String> metadata) {

    public Machine {
        metadata = metadata == null ? Map.of() : Map.copyOf(new TreeMap<>(metadata));
    }

    /** fleetctl's short form: the first 8 characters of the id, an ellipsis when cut, then the IP. */
    public String label() {
        return shortId() + "/" + ip;
    }

    public String shortId() {
        return id.length() > 8 ? id.substring(0, 8) + "…" : id;
    }
}
