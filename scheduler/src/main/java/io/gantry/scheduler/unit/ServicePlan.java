package io.gantry.scheduler.unit;

import java.util.List;
import java.util.Map;

/**
 * What running a unit on one machine means, everything expanded: the environment and the commands of
 * each phase. {@code start} is the main command: while it (or the container it runs) lives, the unit
 * is active.
 */
public record ServicePlan(String unit, Map<String, String> environment, List<Command> startPre, Command start,
                          List<Command> startPost, List<Command> stop, List<Command> stopPost) {

    public ServicePlan {
        environment = Map.copyOf(environment);
        startPre = List.copyOf(startPre);
        startPost = List.copyOf(startPost);
        stop = List.copyOf(stop);
        stopPost = List.copyOf(stopPost);
    }
}
