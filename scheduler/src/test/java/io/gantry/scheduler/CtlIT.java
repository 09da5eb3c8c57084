package io.gantry.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.testing.ChildProcess;
import io.gantry.testing.EtcdExtension;
import io.gantry.testing.Poll;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code scheduler.jar ctl} as a user types it: files from the working directory, listings, and one-line errors. */
class CtlIT {

    @RegisterExtension
    static final EtcdExtension etcd = new EtcdExtension();

    private static final String MACHINE = "ctl-it-m";
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @TempDir
    static Path agentDir;

    /** One agent that really runs processes (the host driver), its journal API on a free port. */
    private static ChildProcess agent;

    @TempDir
    Path dir;

    @BeforeAll
    static void startAgent() {
        agent = SchedulerJar.start(agentDir, "agent", "agent", "--etcd", etcd.endpoint(), "--machine-id", MACHINE, "--ip", "127.0.0.1",
                "--api", "127.0.0.1:0", "--interval", "200ms", "--ttl", "2s", "--logs", agentDir.resolve("logs").toString());
    }

    @AfterAll
    static void stopAgent() {
        agent.terminate(Duration.ofSeconds(10));
    }

    /** ctl as a user types it: it waits for the units' state (up to 20 s). */
    private ChildProcess ctlWaiting(String... args) {
        List<String> all = new ArrayList<>(List.of("ctl", "--etcd", etcd.endpoint(), "--wait=20s"));
        for (String a : args) {
            all.add(a.endsWith(".service") ? dir.resolve(a).toString() : a); // the jar runs elsewhere: paths to the files
        }
        ChildProcess p = SchedulerJar.start(dir, "ctl", all.toArray(String[]::new));
        p.waitFor(Duration.ofSeconds(60));
        return p;
    }

    private void processUnit(String name, String says) throws Exception {
        Files.writeString(dir.resolve(name), "[Unit]\nDescription=" + says + "\n\n[Service]\n"
                + "ExecStart=/bin/sh -c \"echo " + says + " from %n; exec sleep 600\"\n");
    }

    private void awaitJournalSays(String unit, String text) {
        Poll.until(DEADLINE, "journal of " + unit + " to say " + text, () -> ctl("journal", "--lines", "5", unit).output().contains(text));
    }

    private ChildProcess ctl(String... args) {
        String[] all = new String[args.length + 4];
        all[0] = "ctl";
        all[1] = "--etcd";
        all[2] = etcd.endpoint();
        all[3] = "--wait=0s";
        System.arraycopy(args, 0, all, 4, args.length);
        ChildProcess p = SchedulerJar.start(dir, "ctl", all);
        p.waitFor(Duration.ofSeconds(30));
        return p;
    }

    @Test
    void aBadLineIsRefusedAtSubmitNamingItAndNothingIsStored() throws Exception {
        Files.writeString(dir.resolve("bad.service"), "[Service]\nExecStart=/usr/bin/docker run --cap-add NET_ADMIN nginx\n");
        ChildProcess p = ctl("submit", dir.resolve("bad.service").toString());
        assertEquals(2, p.process().exitValue(), p.output());
        assertTrue(p.output().contains("scheduler: bad.service line 2: ExecStart: docker run: unsupported flag --cap-add"), p.output());
        assertTrue(etcd.keys("/gantry/scheduler/units/").stream().noneMatch(k -> k.endsWith("/bad.service")));
    }

    @Test
    void aUnitWithNoFileIsNamedWithWhereItWasLookedFor() {
        ChildProcess p = ctl("start", "ghost@1.service");
        assertEquals(2, p.process().exitValue(), p.output());
        assertTrue(p.output().contains("unit ghost@1.service not found: no file ghost@1.service or ghost@.service in"), p.output());
    }

    @Test
    void unknownCommandsAndFlagsAreOneLine() {
        ChildProcess p = ctl("lsit-units");
        assertEquals(2, p.process().exitValue());
        assertTrue(p.output().contains("unknown command 'lsit-units'"), p.output());
        p = ctl("--bogus", "list-units");
        assertEquals(2, p.process().exitValue());
        assertTrue(p.output().contains("unknown option '--bogus'"), p.output());
    }

    @Test
    void submittedTemplatesAndInstancesAreListedWithTheirHash() throws Exception {
        Files.writeString(dir.resolve("web@.service"), "[Service]\nExecStart=/usr/bin/docker run --name web%i nginx\n");
        ChildProcess p = ctl("submit", dir.resolve("web@.service").toString(), dir.resolve("web@{1,2}.service").toString());
        assertEquals(0, p.process().exitValue(), p.output());
        p = ctl("list-unit-files");
        assertTrue(p.output().matches("(?s).*UNIT +HASH +DSTATE +STATE +TARGET\n.*web@1\\.service +[0-9a-f]{7} +inactive +inactive +-.*"), p.output());
        p = ctl("submit", dir.resolve("web@1.service").toString());
        assertEquals(0, p.process().exitValue(), "submitting again is fine: " + p.output());
    }

    @Test
    void aStartedUnitCanBeReadCatListedStoppedRestartedAndUnloaded() throws Exception {
        processUnit("life.service", "hello");
        ChildProcess p = ctlWaiting("start", "life.service");
        assertEquals(0, p.process().exitValue(), p.output());
        assertTrue(p.output().contains("Unit life.service launched on " + MACHINE + "/127.0.0.1"), p.output());

        awaitJournalSays("life.service", "hello from life.service");
        assertEquals(Files.readString(dir.resolve("life.service")), ctl("cat", "life.service").output());
        p = ctl("list-units", "--no-legend", "--fields", "unit,active,sub,load");
        assertTrue(p.output().contains("life.service  active  running  loaded"), p.output());
        p = ctl("list-machines", "--fields", "machine,api", "--no-legend");
        assertTrue(p.output().matches("(?s).*" + MACHINE + " +127\\.0\\.0\\.1:\\d+\n.*"), p.output());
        p = ctl("list-unit-files", "--fields", "unit,desc,global,tmachine", "-l");
        assertTrue(p.output().matches("(?s)UNIT +DESC +GLOBAL +TMACHINE\n.*life\\.service +hello +false +" + MACHINE + "/127\\.0\\.0\\.1\n.*"), p.output());

        p = ctlWaiting("stop", "life.service");
        assertEquals(0, p.process().exitValue(), p.output());
        assertTrue(p.output().contains("Unit life.service loaded on " + MACHINE + "/127.0.0.1"), p.output());
        p = ctlWaiting("restart", "life.service");
        assertEquals(0, p.process().exitValue(), p.output());
        assertTrue(p.output().contains("Unit life.service launched on " + MACHINE), p.output());
        p = ctlWaiting("unload", "life.service");
        assertEquals(0, p.process().exitValue(), p.output());
        assertTrue(p.output().contains("Unit life.service inactive"), p.output());
        assertTrue(!ctl("list-units").output().contains("life.service"), "unloaded units are on no machine");
        p = ctl("journal", "life.service");
        assertEquals(1, p.process().exitValue(), p.output());
        assertTrue(p.output().contains("unit life.service is not on any machine"), p.output());
    }

    @Test
    void replaceRunsTheNewFileOnlyWhenAskedAndOnlyFromAVerbFleetAllowsIt() throws Exception {
        processUnit("rep.service", "version1");
        assertEquals(0, ctlWaiting("start", "rep.service").process().exitValue());
        awaitJournalSays("rep.service", "version1 from rep.service");

        processUnit("rep.service", "version2");
        ChildProcess p = ctlWaiting("start", "rep.service");
        assertEquals(0, p.process().exitValue(), p.output());
        assertTrue(p.output().contains("WARNING: unit rep.service as submitted differs from its local file; add --replace"), p.output());
        p = ctl("submit", "--replace", dir.resolve("rep.service").toString());
        assertTrue(p.output().contains("WARNING: can not replace unit rep.service in state 'launched'"), p.output());
        assertTrue(ctl("cat", "rep.service").output().contains("version1"), "still the first version");

        p = ctlWaiting("start", "--replace", "rep.service");
        assertEquals(0, p.process().exitValue(), p.output());
        assertTrue(p.output().contains("Unit rep.service replaced ("), p.output());
        awaitJournalSays("rep.service", "version2 from rep.service");
        assertTrue(ctl("cat", "rep.service").output().contains("version2"));
    }

    @Test
    void noBlockOnlyTriggersAndAUnitThatCannotBePlacedEndsTheWaitWithItsReasonAndStatusOne() throws Exception {
        processUnit("nb.service", "quick");
        ChildProcess p = ctl("start", "--no-block", dir.resolve("nb.service").toString());
        assertEquals(0, p.process().exitValue(), p.output());
        assertTrue(p.output().contains("Triggered unit nb.service start"), p.output());

        p = ctl("stop", "--no-block", "nb.service");
        assertTrue(p.output().contains("Triggered unit nb.service stop"), p.output());

        Files.writeString(dir.resolve("broken.service"), "[Service]\nExecStart=/nonexistent/program\n");
        p = ctlWaiting("start", "--block-attempts", "2", "broken.service");
        assertEquals(1, p.process().exitValue(), p.output());
        assertTrue(p.output().contains("Unit broken.service not launched yet: ") && p.output().contains(" on " + MACHINE + "/127.0.0.1"), p.output());

        Files.writeString(dir.resolve("nowhere.service"), "[Service]\nExecStart=/bin/sleep 600\n[X-Fleet]\nMachineMetadata=role=none\n");
        p = ctlWaiting("start", "--block-attempts", "3", "nowhere.service");
        assertEquals(1, p.process().exitValue(), p.output());
        assertTrue(p.output().contains("Unit nowhere.service not launched: MachineMetadata: no machine has role=none"), p.output());
        assertTrue(p.output().contains("scheduler: nowhere.service did not get to the state asked for within 6 s"), p.output());
        ctl("destroy", "nb.service", "broken.service", "nowhere.service");
    }

    @Test
    void fleetsSubmitTimeRulesAreRefusedThroughCtlNamingTheLine() throws Exception {
        Files.writeString(dir.resolve("self.service"), "[Service]\nExecStart=/bin/true\n[X-Fleet]\nMachineOf=self.service\n");
        ChildProcess p = ctl("submit", dir.resolve("self.service").toString());
        assertEquals(2, p.process().exitValue(), p.output());
        assertTrue(p.output().contains("scheduler: self.service line 4: MachineOf=self.service names this unit itself"), p.output());
    }

    @Test
    void ctlFindsEtcdInGantryEtcdWithoutAFlag() {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m", "-jar",
                Path.of(System.getProperty("gantry.scheduler.jar", "target/scheduler.jar")).toAbsolutePath().toString(),
                "ctl", "list-machines", "--no-legend", "--fields", "machine");
        Poll.until(DEADLINE, "list-machines through GANTRY_ETCD to show " + MACHINE, () -> {
            ChildProcess p = ChildProcess.start("ctl-env", cmd, dir.resolve("ctl-env-" + System.nanoTime() + ".log"),
                    Map.of("GANTRY_ETCD", etcd.endpoint(), "ETCDCTL_ENDPOINTS", "http://127.0.0.1:9"));
            p.waitFor(Duration.ofSeconds(30));
            return p.process().exitValue() == 0 && p.output().contains(MACHINE);
        });
    }
}
