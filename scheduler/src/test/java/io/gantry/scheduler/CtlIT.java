package io.gantry.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.testing.ChildProcess;
import io.gantry.testing.EtcdExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code scheduler.jar ctl} as a user types it: files from the working directory, listings, and one-line errors. */
class CtlIT {

    @RegisterExtension
    static final EtcdExtension etcd = new EtcdExtension();

    @TempDir
    Path dir;

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
}
