package io.gantry.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.scheduler.ctl.Ctl;
import io.gantry.scheduler.state.Keys;
import io.gantry.scheduler.state.Store;
import io.gantry.scheduler.state.UnitState;
import io.gantry.testing.ChildProcess;
import io.gantry.testing.DockerExtension;
import io.gantry.testing.EtcdExtension;
import io.gantry.testing.Poll;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tutorial's story on the real Docker engine: three agents as machines 127.0.0.11-13, the seed's
 * nginx@.service unchanged, two instances on two machines; a container removed behind an agent's back
 * comes back; an agent killed with SIGKILL loses its unit to the free machine; the leader's agent
 * killed hands placement to another engine.
 */
class SchedulerIT {

    private static final Duration DEADLINE = Duration.ofSeconds(40);

    @RegisterExtension
    static final EtcdExtension etcd = new EtcdExtension();

    @RegisterExtension
    static final DockerExtension docker = new DockerExtension();

    @TempDir
    Path dir;

    private final Map<String, ChildProcess> agents = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @AfterEach
    void stopEverything() {
        try {
            Store store = new Store(etcd.client(), new Keys(Keys.DEFAULT_PREFIX));
            ctl().destroy(List.copyOf(store.units().keySet()));
            Poll.until(DEADLINE, "units stopped and their states gone", () -> store.states().isEmpty());
        } catch (RuntimeException | AssertionError e) {
            // best effort; the containers go below in any case
        } finally {
            agents.values().forEach(ChildProcess::kill);
            for (String c : List.of("nginx1", "nginx2", "plain1")) {
                docker.call("rm", "-f", c);
            }
        }
    }

    private void agent(int n) {
        agent(n, "2s");
    }

    private void agent(int n, String ttl) {
        String id = "m" + n;
        agents.put(id, SchedulerJar.start(dir, "agent-" + id, "agent", "--etcd", etcd.endpoint(), "--machine-id", id,
                "--ip", "127.0.0." + (10 + n), "--ttl", ttl, "--interval", "500ms"));
    }

    private Ctl ctl(ByteArrayOutputStream out) {
        return new Ctl(new Store(etcd.client(), new Keys(Keys.DEFAULT_PREFIX)), dir, new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    private Ctl ctl() {
        return ctl(new ByteArrayOutputStream());
    }

    private String listUnits() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ctl(out).listUnits();
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The machine id unit runs on, once it is active/running there. */
    private String runningOn(String unit) {
        return Poll.value(DEADLINE, unit + " active/running", () -> where(unit));
    }

    /** The machine id unit is active/running on now, or null. */
    private String where(String unit) {
        Map<String, UnitState> on = new Store(etcd.client(), new Keys(Keys.DEFAULT_PREFIX)).states().getOrDefault(unit, Map.of());
        return on.entrySet().stream().filter(e -> e.getValue().activeAndRunning()).map(Map.Entry::getKey).findFirst().orElse(null);
    }

    /** Waits for the machine's port 80 to serve a page saying {@code text} (the container host's name). */
    private void pageSays(String machine, String text) {
        String ip = "127.0.0." + (10 + Integer.parseInt(machine.substring(1)));
        Poll.until(DEADLINE, "a page from " + ip + " saying " + text, () -> {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + ip + "/")).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString());
                return r.statusCode() == 200 && r.body().contains(text);
            } catch (Exception e) {
                return false;
            }
        });
    }

    @Test
    void theTutorialsUnitRunsOnTwoMachinesSurvivesItsContainerAndItsMachineAndTheLeader() throws Exception {
        Files.copy(DockerExtension.projectRoot().resolve("configs/units/nginx@.service"), dir.resolve("nginx@.service"));
        agent(1);
        agent(2);
        agent(3);
        Poll.until(DEADLINE, "three machines", () -> new Store(etcd.client(), new Keys(Keys.DEFAULT_PREFIX)).machines().size() == 3);

        ChildProcess submit = SchedulerJar.start(dir, "ctl-submit", "ctl", "--etcd", etcd.endpoint(), "submit", dir.resolve("nginx@.service").toString());
        assertEquals(0, submit.waitFor(Duration.ofSeconds(30)), submit.output());
        ChildProcess start = SchedulerJar.start(dir, "ctl-start", "ctl", "--etcd", etcd.endpoint(), "start", "nginx@1.service", "nginx@2.service");
        assertEquals(0, start.waitFor(Duration.ofSeconds(30)), start.output());
        assertTrue(start.output().contains("Unit nginx@1.service launched on m"), start.output());

        String one = runningOn("nginx@1.service");
        String two = runningOn("nginx@2.service");
        assertNotEquals(one, two, "two machines");
        pageSays(one, "Welcome to nginx1</h1>"); // ExecStartPost named the page after its container host
        pageSays(two, "Welcome to nginx2</h1>");
        String units = listUnits();
        assertTrue(units.matches("(?s).*nginx@1\\.service +" + one + "/127\\.0\\.0\\.\\d+ +active +running.*"), units);

        // Reconcile: the container removed behind the agent's back comes back.
        docker.call("rm", "-f", "nginx2");
        Poll.until(DEADLINE, "nginx2 back", () -> docker.call("ps", "--format", "{{.Names}}").contains("nginx2"));
        pageSays(two, "Welcome to nginx2</h1>");

        // SIGKILL the agent of nginx@1: it is placed on the free machine and serves there.
        String free = List.of("m1", "m2", "m3").stream().filter(m -> !m.equals(one) && !m.equals(two)).findFirst().orElseThrow();
        agents.get(one).kill();
        Poll.until(DEADLINE, "nginx@1 on " + free, () -> free.equals(where("nginx@1.service")));
        pageSays(free, "Welcome to nginx1</h1>");

        // SIGKILL the leader's agent: the survivor's engine leads; the dead leader's unit has nowhere to go
        // (Conflicts) until a fourth machine joins, and then it runs there.
        String leader = Poll.value(DEADLINE, "a leader on a live machine", () -> {
            String l = etcd.value(Keys.DEFAULT_PREFIX + "leader");
            return l != null && !l.equals(one) ? l : null;
        });
        String survivor = leader.equals(free) ? two : free;
        String orphan = leader.equals(free) ? "nginx@1.service" : "nginx@2.service";
        agents.get(leader).kill();
        Poll.until(DEADLINE, survivor + " leads", () -> survivor.equals(etcd.value(Keys.DEFAULT_PREFIX + "leader")));
        Poll.until(DEADLINE, orphan + " listed as not launched", () -> listUnits().contains(orphan + ": not launched: Conflicts"));
        agent(4);
        Poll.until(DEADLINE, orphan + " on m4", () -> "m4".equals(where(orphan)));
        pageSays("m4", "Welcome to nginx" + orphan.charAt(6) + "</h1>");
    }

    /**
     * Machine m1 (agent TTL {@code ttl}) running plain@1.service, a unit with only an ExecStart (docker
     * run --name plain1); returns its container's id.
     */
    private String runPlainUnitOnM1(String ttl) throws Exception {
        Files.writeString(dir.resolve("plain@.service"), "[Service]\nExecStart=/usr/bin/docker run --name plain%i -p 127.0.0.11::80 nginx\n");
        agent(1, ttl);
        ctl().start(List.of("plain@1.service"), Duration.ofSeconds(20));
        runningOn("plain@1.service");
        return docker.call("inspect", "--format", "{{.Id}}", "plain1");
    }

    @Test
    void aContainerThatExitsIsStartedAgainUnderItsNameWithoutAnExecStartPreToClearIt() throws Exception {
        String first = runPlainUnitOnM1("2s");
        docker.call("kill", "plain1");
        Poll.until(DEADLINE, "plain1 running again as a new container", () -> {
            String now = docker.call("ps", "--filter", "name=^plain1$", "--format", "{{.ID}}");
            return !now.isEmpty() && !first.startsWith(now);
        });
        runningOn("plain@1.service");
    }

    @Test
    void anAgentRestartedWithinItsTtlTakesOverTheContainersItsPredecessorStarted() throws Exception {
        String container = runPlainUnitOnM1("20s");
        agents.get("m1").kill();
        agent(1, "20s");
        Poll.until(DEADLINE, "the new agent taking plain@1 over", () -> agents.get("m1").output().contains("taken over"));
        assertEquals(container, docker.call("inspect", "--format", "{{.Id}}", "plain1"), "the same container, not a restart");
        runningOn("plain@1.service");
    }

    @Test
    void whileEtcdIsDownContainersKeepRunningAndAfterwardsTheyAreReportedNotRestarted() throws Exception {
        String container = runPlainUnitOnM1("2s");
        etcd.kill();
        Poll.until(DEADLINE, "the agent noticing etcd is gone", () -> agents.get("m1").output().contains("cannot read assignments"));
        assertEquals("true", docker.call("inspect", "--format", "{{.State.Running}}", "plain1"), "still running without etcd");
        etcd.start();
        Poll.until(DEADLINE, "the agent reading its assignments again", () -> agents.get("m1").output().contains("etcd reachable again"));
        assertEquals("m1", where("plain@1.service"));
        assertEquals(container, docker.call("inspect", "--format", "{{.Id}}", "plain1"), "the same container, never restarted");
        assertFalse(agents.get("m1").output().contains("plain@1.service: inactive"), agents.get("m1").output());
    }
}
