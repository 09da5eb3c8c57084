package io.gantry.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.testing.ChildProcess;
import io.gantry.testing.DockerExtension;
import io.gantry.testing.EtcdExtension;
import io.gantry.testing.Poll;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code ctl journal} against a real agent: a container's output through the Docker Engine API, and a process's followed. */
class JournalIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @RegisterExtension
    static final EtcdExtension etcd = new EtcdExtension();

    @RegisterExtension
    static final DockerExtension docker = new DockerExtension();

    @TempDir
    Path dir;

    private ChildProcess agent;

    @BeforeEach
    void startAgent() {
        agent = SchedulerJar.start(dir, "agent", "agent", "--etcd", etcd.endpoint(), "--machine-id", "journal-m", "--ip", "127.0.0.1",
                "--api", "127.0.0.1:0", "--interval", "200ms", "--ttl", "2s", "--logs", dir.resolve("logs").toString());
    }

    @AfterEach
    void stop() {
        ctl("destroy", "box.service", "tick.service");
        Poll.until(DEADLINE, "the agent to remove journal-box", () -> !docker.call("ps", "-a", "--format", "{{.Names}}").contains("journal-box"));
        agent.terminate(Duration.ofSeconds(10));
    }

    private ChildProcess ctl(String... args) {
        List<String> all = new ArrayList<>(List.of("ctl", "--etcd", etcd.endpoint(), "--wait=40s"));
        for (String a : args) {
            all.add(a.endsWith(".service") && Files.exists(dir.resolve(a)) ? dir.resolve(a).toString() : a);
        }
        ChildProcess p = SchedulerJar.start(dir, "ctl", all.toArray(String[]::new));
        p.waitFor(Duration.ofSeconds(60));
        return p;
    }

    /** The nginx image (bin/nginx-image) has sh, sleep and little else; sh is PID 1 there, so stopping takes docker's 10 s. */
    @Test
    void journalShowsTheLastLinesOfAUnitsContainer() throws Exception {
        Files.writeString(dir.resolve("box.service"), "[Service]\nExecStartPre=-/usr/bin/docker rm -f journal-box\n"
                + "ExecStart=/usr/bin/docker run --name journal-box nginx sh -c \"echo first line; echo second line; exec sleep 600\"\n"
                + "ExecStop=/usr/bin/docker stop journal-box\n");
        ChildProcess p = ctl("start", "box.service");
        assertEquals(0, p.process().exitValue(), p.output());
        Poll.until(DEADLINE, "the container's two lines", () -> ctl("journal", "box.service").output().equals("first line\nsecond line\n"));
        assertEquals("second line\n", ctl("journal", "--lines", "1", "box.service").output());
    }

    @Test
    void journalFollowPrintsWhatAProcessWritesAsItComes() throws Exception {
        Files.writeString(dir.resolve("tick.service"), "[Service]\nExecStart=/bin/sh -c \"while true; do date +%%s%%N; sleep 0.2; done\"\n");
        assertEquals(0, ctl("start", "tick.service").process().exitValue());
        try (ChildProcess follow = SchedulerJar.start(dir, "follow", "ctl", "--etcd", etcd.endpoint(), "journal", "--lines", "0", "-f", "tick.service")) {
            Poll.until(DEADLINE, "five lines followed, one after another", () -> follow.output().lines().filter(l -> l.matches("\\d+")).count() >= 5);
            assertTrue(follow.isAlive(), "a follow goes on until interrupted");
        }
    }
}
