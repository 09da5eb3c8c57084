package io.gantry.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.testing.ChildProcess;
import io.gantry.testing.EtcdExtension;
import io.gantry.testing.Poll;
import io.gantry.testing.EtcdCertificates;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** An agent and ctl against an etcd that wants TLS with a client certificate and a user's password, as production runs it. */
class SecuredEtcdIT {

    @RegisterExtension
    static final EtcdExtension etcd = EtcdExtension.builder().tls().auth().build();

    @TempDir
    Path dir;

    private ChildProcess agent;

    @AfterEach
    void stopAgent() {
        if (agent != null) {
            agent.kill();
        }
    }

    private ChildProcess ctl(List<String> etcdFlags, String... args) {
        List<String> all = new ArrayList<>(List.of("ctl"));
        all.addAll(etcdFlags);
        all.addAll(List.of(args));
        ChildProcess p = SchedulerJar.start(dir, "ctl", all.toArray(String[]::new));
        p.waitFor(Duration.ofSeconds(30));
        return p;
    }

    private static List<String> flagsWith(String flag, String value) {
        List<String> flags = new ArrayList<>(etcd.flags());
        flags.set(flags.indexOf(flag) + 1, value);
        return flags;
    }

    @Test
    void anAgentRegistersItsMachineAndCtlListsIt() {
        List<String> args = new ArrayList<>(List.of("agent"));
        args.addAll(etcd.flags());
        args.addAll(List.of("--machine-id", "secure1", "--ip", "127.0.0.21", "--simulate", "--interval", "500ms"));
        agent = SchedulerJar.start(dir, "agent", args.toArray(String[]::new));
        Poll.until(Duration.ofSeconds(30), "ctl list-machines to show secure1", () -> {
            if (!agent.isAlive()) {
                throw new AssertionError("agent exited: " + agent.output());
            }
            ChildProcess p = ctl(etcd.flags(), "list-machines");
            assertEquals(0, p.process().exitValue(), p.output());
            return p.output().matches("(?s).*MACHINE +IP +METADATA\n.*secure1 +127\\.0\\.0\\.21 +-.*");
        });
    }

    @Test
    void aWrongPasswordIsOneLineAndExitOne() {
        ChildProcess p = ctl(flagsWith("--etcd-user", EtcdExtension.USER + ":wrong"), "list-machines");
        assertEquals(1, p.process().exitValue(), p.output());
        String out = p.output().strip();
        assertEquals(1, out.lines().count(), out);
        assertTrue(out.startsWith("scheduler: etcd " + etcd.endpoint() + " as gantry: ") && out.contains("authentication failed"), out);
        assertFalse(out.contains("wrong"), "the password is not printed: " + out);
    }

    @Test
    void aMissingCaFileIsExitTwoNamingTheFlagAndTheFile() {
        Path missing = dir.resolve("missing-ca.pem");
        ChildProcess p = ctl(flagsWith("--etcd-cacert", missing.toString()), "list-machines");
        assertEquals(2, p.process().exitValue(), p.output());
        assertEquals("scheduler: --etcd-cacert " + missing + ": no such file", p.output().strip());
    }

    @Test
    void anEtcdCertificateFromAnotherCaIsOneLineAndExitOne() {
        Path otherCa = EtcdCertificates.otherCa(dir.resolve("other"));
        ChildProcess p = ctl(flagsWith("--etcd-cacert", otherCa.toString()), "list-machines");
        assertEquals(1, p.process().exitValue(), p.output());
        String out = p.output().strip();
        assertEquals(1, out.lines().count(), out);
        assertTrue(out.contains("TLS handshake failed: unable to find valid certification path to requested target"), out);
    }

    @Test
    void withoutAClientCertificateEtcdRefusesTheConnection() {
        List<String> flags = new ArrayList<>(List.of("--etcd", etcd.endpoint(), "--etcd-cacert", etcd.certificates().ca().toString(),
                "--etcd-user", EtcdExtension.USER + ":" + EtcdExtension.PASSWORD));
        ChildProcess p = ctl(flags, "list-machines");
        assertEquals(1, p.process().exitValue(), p.output());
        assertEquals(1, p.output().strip().lines().count(), p.output());
    }
}
