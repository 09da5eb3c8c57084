package io.gantry.scheduler.state;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;
import java.util.TreeMap;

/**
 * A machine as its agent registers it: id, address, metadata such as {@code region=us-east}, and the
 * {@code host:port} where the agent serves its units' output to {@code ctl journal} (null: it does not).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Machine(String id, String ip, Map<String, String> metadata, String api) {

    /** fleetctl cuts machine ids to this many characters unless asked for {@code --full}. */
    private static final int SHORT_ID = 8;

    @JsonCreator
    public Machine {
        metadata = metadata == null ? Map.of() : Map.copyOf(new TreeMap<>(metadata));
    }

    public Machine(String id, String ip, Map<String, String> metadata) {
        this(id, ip, metadata, null);
    }

    public Machine withApi(String address) {
        return new Machine(id, ip, metadata, address);
    }

    /** fleetctl's MACHINE column: {@code 113f16a7.../10.0.0.5}; the whole id with {@code full}. */
    public String label(boolean full) {
        return id(full) + "/" + ip;
    }

    public String label() {
        return label(false);
    }

    /** The id, cut to its first 8 characters and {@code ...} (as fleetctl does) unless {@code full} or it is that short. */
    public String id(boolean full) {
        return full || id.length() <= SHORT_ID ? id : id.substring(0, SHORT_ID) + "...";
    }
}
