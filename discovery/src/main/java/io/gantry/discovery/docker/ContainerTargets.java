package io.gantry.discovery.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Ports;
import io.gantry.common.DockerClients;
import io.gantry.common.Errors;
import io.gantry.common.HostPort;
import io.gantry.common.OwnerThread;
import io.gantry.common.ServiceKeys;
import io.gantry.discovery.Checker;
import java.io.Closeable;
import java.net.URI;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every running container with the service label becomes a target {@code /services/<label value>/
 * <container name>} at the host address and port its port is published on (the port named by the
 * {@code gantry.port} label, else the lowest published TCP port). Every start, die or destroy event
 * makes it read that container again and act on what it is now, so events that come late, twice or
 * replayed do no harm; when the event stream breaks, the list is read again.
 */
public final class ContainerTargets implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ContainerTargets.class);
    /** Names the container port to register when a container publishes several. */
    public static final String PORT_LABEL = "gantry.port";
    /** How far back a new event subscription starts, to cover the time it takes to connect. */
    private static final long REPLAY_SECONDS = 5;

    private final URI dockerHost;
    private final String label;
    private final String hostIp;
    private final Checker checker;
    private final ScheduledExecutorService thread = OwnerThread.named("docker-events");
    private final Map<String, Checker.Target> targetsById = new HashMap<>();
    private DockerClient docker;
    private Closeable events;
    private boolean reachable = true;
    private volatile boolean closed;

    /**
     * @param hostIp the address to register for ports published on all interfaces, or null
     */
    public ContainerTargets(URI dockerHost, String label, String hostIp, Checker checker) {
        this.dockerHost = dockerHost;
        this.label = label;
        this.hostIp = hostIp;
        this.checker = checker;
    }

    public void start() {
        docker = DockerClients.connect(dockerHost, Duration.ofSeconds(30));
        thread.execute(this::follow);
    }

    /**
     * Subscribes to container events, then reads the list. The stream connects on docker-java's own
     * thread, possibly after the list is read, so it asks for events from a few seconds back: a container
     * that started in between arrives as a (replayed) event rather than being missed.
     */
    private void follow() {
        if (closed) {
            return;
        }
        try {
            long since = System.currentTimeMillis() / 1000 - REPLAY_SECONDS;
            events = docker.eventsCmd()
                    .withSince(Long.toString(since))
                    .withEventTypeFilter(EventType.CONTAINER)
                    .withEventFilter("start", "die", "destroy")
                    .withLabelFilter(label)
                    .exec(new ResultCallback.Adapter<Event>() {
                        @Override
                        public void onNext(Event event) {
                            thread.execute(() -> onEvent(event));
                        }

                        @Override
                        public void onError(Throwable error) {
                            thread.execute(() -> broken(error));
                        }

                        @Override
                        public void onComplete() {
                            thread.execute(() -> broken(new IllegalStateException("event stream ended")));
                        }
                    });
            List<Container> running = docker.listContainersCmd().withLabelFilter(List.of(label)).exec();
            Set<String> ids = new HashSet<>();
            for (Container c : running) {
                ids.add(c.getId());
                sync(c.getId());
            }
            for (String id : Set.copyOf(targetsById.keySet())) {
                if (!ids.contains(id)) {
                    remove(id, "gone while the event stream was down");
                }
            }
            if (!reachable) {
                log.info("docker {}: reachable again", dockerHost);
            }
            reachable = true;
            log.info("docker {}: {} running containers labelled {}", dockerHost, running.size(), label);
        } catch (RuntimeException e) {
            broken(e);
        }
    }

    private void onEvent(Event event) {
        if (event.getId() != null) {
            sync(event.getId());
        }
    }

    private void broken(Throwable error) {
        if (closed) {
            return;
        }
        if (reachable) {
            log.warn("docker {}: {}; retrying", dockerHost, Errors.describe(error));
        }
        reachable = false;
        closeEvents();
        thread.schedule(this::follow, 2, TimeUnit.SECONDS);
    }

    /**
     * Reads container {@code id} and makes its target match what it is now: a running container is
     * checked at the address it publishes (left alone when already checked there, moved when it came
     * back on a new port); a stopped or removed one is no longer checked.
     */
    private void sync(String id) {
        InspectContainerResponse c;
        try {
            c = docker.inspectContainerCmd(id).exec();
        } catch (NotFoundException e) {
            remove(id, "removed");
            return;
        } catch (RuntimeException e) {
            log.warn("container {}: cannot inspect it ({})", shortId(id), e.getMessage());
            return;
        }
        if (!Boolean.TRUE.equals(c.getState().getRunning())) {
            remove(id, "stopped");
            return;
        }
        String name = c.getName().replaceFirst("^/", "");
        String service = c.getConfig().getLabels() == null ? null : c.getConfig().getLabels().get(label);
        if (service == null || service.isBlank() || service.contains("/")) {
            log.warn("container {}: label {}='{}' is not a service name; skipped", name, label, service);
            return;
        }
        Optional<HostPort> address = publishedAddress(name, c);
        if (address.isEmpty()) {
            return;
        }
        Checker.Target target = new Checker.Target(ServiceKeys.prefix(service) + name, address.get());
        Checker.Target known = targetsById.get(id);
        if (target.equals(known)) {
            return;
        }
        if (known != null) {
            remove(id, "restarted at " + target.address());
        }
        targetsById.put(id, target);
        checker.add(target);
    }

    private static String shortId(String id) {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }

    private Optional<HostPort> publishedAddress(String name, InspectContainerResponse c) {
        Map<ExposedPort, Ports.Binding[]> bindings = c.getNetworkSettings().getPorts().getBindings();
        String wanted = c.getConfig().getLabels().get(PORT_LABEL);
        Optional<Map.Entry<ExposedPort, Ports.Binding[]>> chosen = bindings.entrySet().stream()
                .filter(e -> e.getValue() != null && e.getValue().length > 0)
                .filter(e -> e.getKey().getProtocol() == com.github.dockerjava.api.model.InternetProtocol.TCP)
                .filter(e -> wanted == null || String.valueOf(e.getKey().getPort()).equals(wanted))
                .min(Comparator.comparingInt(e -> e.getKey().getPort()));
        if (chosen.isEmpty()) {
            log.warn("container {}: no published TCP port{}; skipped", name, wanted == null ? "" : " " + wanted);
            return Optional.empty();
        }
        Ports.Binding binding = chosen.get().getValue()[0];
        String ip = binding.getHostIp();
        if (ip == null || ip.isEmpty() || ip.equals("0.0.0.0") || ip.equals("::")) {
            if (hostIp == null) {
                log.warn("container {}: port {} is published on all interfaces; give --host-ip to say which address to register",
                        name, chosen.get().getKey().getPort());
                return Optional.empty();
            }
            ip = hostIp;
        }
        return Optional.of(new HostPort(ip, Integer.parseInt(binding.getHostPortSpec())));
    }

    private void remove(String id, String why) {
        Checker.Target target = targetsById.remove(id);
        if (target != null) {
            checker.remove(target.key(), "container " + why);
        }
    }

    private void closeEvents() {
        if (events != null) {
            try {
                events.close();
            } catch (Exception e) {
                // closing
            }
            events = null;
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.shutdownNow();
        closeEvents();
        if (docker != null) {
            try {
                docker.close();
            } catch (Exception e) {
                // closing
            }
        }
    }
}
