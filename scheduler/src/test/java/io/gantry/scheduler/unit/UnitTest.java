package io.gantry.scheduler.unit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.scheduler.docker.DockerCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UnitTest {

    /** The tutorial's unit, as it is in the seed. */
    static String tutorialUnit() throws Exception {
        Path p = Path.of(System.getProperty("gantry.root", "..")).resolve("configs/units/nginx@.service");
        return Files.readString(p);
    }

    @Test
    void theTutorialsUnitExpandsForItsInstanceAndMachine() throws Exception {
        Unit u = Unit.parse("nginx@1.service", tutorialUnit());
        ServicePlan plan = u.plan("m1", "host", Map.of("COREOS_PRIVATE_IPV4", "127.0.0.11"));
        assertEquals(List.of("/usr/bin/docker", "kill", "nginx1"), plan.startPre().get(0).words());
        assertTrue(plan.startPre().get(0).ignoreFailure());
        DockerCommand.Run run = assertInstanceOf(DockerCommand.Run.class, plan.start().docker());
        assertEquals("nginx1", run.name());
        assertEquals("nginx1", run.hostname());
        assertEquals(List.of(new DockerCommand.Publish("127.0.0.11", 80, 80, "tcp")), run.publish());
        assertEquals("nginx", run.image());
        DockerCommand.Exec exec = assertInstanceOf(DockerCommand.Exec.class, plan.startPost().get(0).docker());
        assertEquals(List.of("sh", "-c", "sed -i \"s|nginx!|$(hostname)|g\"  /usr/share/nginx/html/index.html"), exec.command());
        assertInstanceOf(DockerCommand.Stop.class, plan.stop().get(0).docker());
        assertEquals(List.of("nginx@*.service"), u.rules().conflicts());
        assertEquals("Nginx web server 1", u.description());
    }

    @Test
    void specifiersExpandAsInSystemd() {
        Specifiers s = new Specifiers(UnitName.parse("web@blue.service"), "m7", "h1");
        assertEquals("web@blue.service web blue m7 h1 web@blue 100%", s.expand("%n %p %i %m %H %N 100%%"));
        assertThrows(UnitException.class, () -> s.expand("date +%s"));
    }

    @Test
    void execLinesSplitLikeSystemdAndExpandVariables() {
        ExecLine l = ExecLine.parse("u", "ExecStart", 3, "/bin/echo \"a b\" 'c $X' ${X}y $LIST \\\"q");
        // $X inside a word stays as written (systemd expands only ${X} there, and $X as a whole word)
        assertEquals(List.of("/bin/echo", "a b", "c $X", "1y", "p", "q", "\"q"), l.words(Map.of("X", "1", "LIST", "p q")));
        UnitException e = assertThrows(UnitException.class, () -> ExecLine.parse("u", "ExecStart", 3, "/bin/echo 'open"));
        assertTrue(e.getMessage().contains("line 3"), e.getMessage());
    }

    @Test
    void badLinesAreNamedAtSubmit() {
        String unsupported = "[Service]\nExecStart=/usr/bin/docker run --privileged nginx\n";
        UnitException e = assertThrows(UnitException.class, () -> Unit.parse("a.service", unsupported));
        assertEquals("a.service line 2: ExecStart: docker run: unsupported flag --privileged", e.getMessage());
        e = assertThrows(UnitException.class, () -> Unit.parse("a.service", "[Service]\nExecStart=/usr/bin/docker build .\n"));
        assertTrue(e.getMessage().startsWith("a.service line 2: ExecStart: docker build is not supported"), e.getMessage());
        e = assertThrows(UnitException.class, () -> Unit.parse("a.service", "[Service]\nExecStart=sleep 1\n"));
        assertTrue(e.getMessage().contains("not an absolute path"), e.getMessage());
        e = assertThrows(UnitException.class, () -> Unit.parse("a.service", "[Service]\nExecStart=/bin/true\n[X-Fleet]\nMachineIDs=x\n"));
        assertTrue(e.getMessage().startsWith("a.service line 4: unknown [X-Fleet] setting MachineIDs"), e.getMessage());
        e = assertThrows(UnitException.class, () -> Unit.parse("a.service", "[Service]\nExecStart=/bin/true\nExecStart=/bin/false\n"));
        assertTrue(e.getMessage().contains("exactly one ExecStart"), e.getMessage());
        assertThrows(UnitException.class, () -> Unit.parse("a.timer", "[Service]\nExecStart=/bin/true\n"));
    }

    @Test
    void continuationsJoinAndAnEmptyAssignmentClears() {
        UnitFile f = UnitFile.parse("u", "[Service]\n# c\nExecStartPre=/bin/a\nExecStartPre=\nExecStartPre=/bin/b \\\n  x\n");
        assertEquals(1, f.all("Service", "ExecStartPre").size());
        // systemd replaces the backslash with a space
        assertEquals("/bin/b  x", f.all("Service", "ExecStartPre").get(0).value());
        assertEquals(5, f.all("Service", "ExecStartPre").get(0).line());
    }

    @Test
    void fleetRulesReadMetadataAsOrWithinAKeyAndAcrossKeysAnd() {
        Unit u = Unit.parse("w@2.service", "[Service]\nExecStart=/bin/true\n[X-Fleet]\nMachineMetadata=region=us region=eu\n"
                + "MachineMetadata=\"disk=ssd\"\nMachineOf=db@%i.service\nConflicts=w@*.service\n");
        FleetRules r = u.rules();
        assertEquals("db@2.service", r.machineOf());
        assertTrue(r.metadataMatches(Map.of("region", "eu", "disk", "ssd")));
        assertFalse(r.metadataMatches(Map.of("region", "eu", "disk", "hdd")));
        assertFalse(r.metadataMatches(Map.of("region", "ap", "disk", "ssd")));
        assertTrue(r.conflictsWith("w@9.service"));
        assertFalse(r.conflictsWith("x@9.service"));
        assertEquals(Map.of("region", Set.of("us", "eu"), "disk", Set.of("ssd")), r.metadata());
    }

    @Test
    void environmentFilesThatDoNotExistAreSkippedAndEnvironmentWins(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path env = dir.resolve("env");
        Files.writeString(env, "# comment\nexport A=\"from file\"\nB=file\n");
        Unit u = Unit.parse("e.service", "[Service]\nEnvironmentFile=" + env + "\nEnvironmentFile=-/nonexistent\n"
                + "Environment=\"B=unit\" C=3\nExecStart=/bin/echo $A ${B}\n");
        ServicePlan plan = u.plan("m", "h", Map.of("COREOS_PRIVATE_IPV4", "10.0.0.5"));
        assertEquals(List.of("/bin/echo", "from", "file", "unit"), plan.start().words());
        assertEquals("10.0.0.5", plan.environment().get("COREOS_PRIVATE_IPV4"));
    }
}
